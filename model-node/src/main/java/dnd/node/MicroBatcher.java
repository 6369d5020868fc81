package dnd.node;

import io.grpc.Status;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Cross-job micro-batching on one worker thread (one fixed call path into the backend). The
 * worker takes the oldest request, then for up to {@code maxWait} merges later requests of the
 * same kind (steps with steps, guidance with guidance) from any job until {@code maxBatch}
 * latents. Requests marked reproducible run alone, unless the runner pads every call to one fixed
 * shape that the model was checked to be batch-invariant at ({@link FixedShapeCheck}): then any
 * request may merge. Results go back through each request's callback on the worker thread.
 *
 * <p>With {@code runIdleInCaller}, a request that could only ever run alone (reproducible, no
 * padding) and finds the batcher idle runs at once on the submitting thread (the node's transport
 * thread) instead: no hand-off to the worker and none back for the reply, which saved 0.3-0.5 ms
 * per step at n = 3 in {@code dnd bench overhead} on 2 cores (docs/benchmarks.md). Calls into the
 * backend still never overlap: the worker waits while such a call runs, and a request arriving
 * meanwhile queues for the worker.
 */
public final class MicroBatcher implements AutoCloseable {

    /** A queued request and where its outcome goes. */
    public record Pending(NodeWork work, long arrivalNanos, Consumer<Outcome> done) {}

    /** What became of a request: a result ({@link NodeWork.StepResult} or {@link NodeWork.GuidanceResult}) or a failure. */
    public record Outcome(Object result, Throwable failure, double computeMs, int batchLatents) {}

    private final BatchRunner runner;
    private final boolean mergeReproducible;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxQueuedLatents;
    private final NodeStats stats;
    private final boolean runIdleInCaller;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread worker;
    private int queuedLatents;
    private int running;         // latents in the batch being computed
    private boolean accepting = true;
    private boolean stopped;

    public MicroBatcher(BatchRunner runner, int maxBatch, long maxWaitMicros, int maxQueuedLatents, NodeStats stats) {
        this(runner, maxBatch, maxWaitMicros, maxQueuedLatents, stats, false);
    }

    public MicroBatcher(BatchRunner runner, int maxBatch, long maxWaitMicros, int maxQueuedLatents, NodeStats stats, boolean runIdleInCaller) {
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1");
        if (maxWaitMicros < 0) throw new IllegalArgumentException("max wait must be >= 0");
        if (runner.fixedLatents() > 0 && runner.fixedLatents() < maxBatch)
            throw new IllegalArgumentException("fixed latents " + runner.fixedLatents() + " below max batch " + maxBatch);
        this.runner = runner;
        this.mergeReproducible = runner.fixedLatents() > 0;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(maxWaitMicros);
        this.maxQueuedLatents = maxQueuedLatents;
        this.stats = stats;
        this.runIdleInCaller = runIdleInCaller;
        this.worker = new Thread(this::loop, "dnd-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** Whether reproducible requests may share calls (the runner pads to a fixed shape). */
    public boolean mergesReproducible() { return mergeReproducible; }

    /**
     * Queues a request, or with {@code runIdleInCaller} runs it on this thread when it can only run
     * alone and nothing is queued or running; {@code done} is called once either way.
     */
    public void submit(NodeWork work, Consumer<Outcome> done) throws RequestException {
        Pending now;
        lock.lock();
        try {
            if (!accepting) throw new RequestException(Status.Code.UNAVAILABLE, "the node is shutting down: send this request to another replica");
            if (queuedLatents + work.items() > maxQueuedLatents)
                throw RequestException.exhausted("queue: " + queuedLatents + " latents are waiting (limit " + maxQueuedLatents + "); retry later");
            Pending p = new Pending(work, System.nanoTime(), done);
            if (runIdleInCaller && runsAlone(work) && queue.isEmpty() && running == 0) {
                running = work.items();
                now = p;
            } else {
                queue.addLast(p);
                queuedLatents += work.items();
                changed.signalAll();
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            run(List.of(now), now.work().items());
        } finally {
            finished();
        }
    }

    /** Stops accepting and waits until every queued request has been answered. */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            accepting = false;
            changed.signalAll();
            while (!queue.isEmpty() || running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            accepting = false;
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) return;
            int latents = batch.stream().mapToInt(p -> p.work().items()).sum();
            try {
                run(batch, latents);
            } finally {
                finished();
            }
        }
    }

    /** A reproducible request shares no call unless every call is padded to one fixed shape. */
    private boolean runsAlone(NodeWork work) { return work.reproducible() && !mergeReproducible; }

    /** The backend call in flight ended: the worker may start the next. */
    private void finished() {
        lock.lock();
        try {
            running = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() || running > 0) { // running > 0: a caller runs a request alone
                if (stopped && queue.isEmpty()) return null;
                changed.await();
            }
            Pending head = queue.pollFirst();
            running = head.work().items(); // the worker holds a batch (maybe waiting for mates): no caller may run one now
            List<Pending> batch = new ArrayList<>();
            batch.add(head);
            int n = head.work().items();
            if (!runsAlone(head.work())) {
                long deadline = System.nanoTime() + maxWaitNanos;
                while (true) {
                    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && n < maxBatch; ) {
                        Pending p = it.next();
                        if (runsAlone(p.work()) || p.work().getClass() != head.work().getClass() || n + p.work().items() > maxBatch) continue;
                        it.remove();
                        batch.add(p);
                        n += p.work().items();
                    }
                    long left = deadline - System.nanoTime();
                    if (n >= maxBatch || left <= 0 || stopped || !accepting) break;
                    changed.awaitNanos(left);
                }
            }
            queuedLatents -= n;
            running = n;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private void run(List<Pending> batch, int latents) {
        long start = System.nanoTime();
        List<?> results;
        try {
            if (batch.get(0).work() instanceof NodeWork.Step) {
                results = runner.steps((List<NodeWork.Step>) (List<?>) batch.stream().map(Pending::work).toList());
            } else {
                results = runner.guidance((List<NodeWork.Guidance>) (List<?>) batch.stream().map(Pending::work).toList());
            }
        } catch (RuntimeException | Error e) {
            long nanos = System.nanoTime() - start;
            stats.backendCall(latents, nanos);
            for (Pending p : batch) deliver(p, new Outcome(null, e, nanos / 1e6, latents));
            return;
        }
        long nanos = System.nanoTime() - start;
        stats.backendCall(latents, nanos);
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            double share = nanos / 1e6 * p.work().items() / latents;
            deliver(p, new Outcome(results.get(i), null, share, latents));
        }
    }

    private void deliver(Pending p, Outcome o) {
        try {
            p.done().accept(o);
        } catch (RuntimeException e) {
            // a reply that cannot be sent (stream cancelled) must not stop the worker
        }
        stats.replied(System.nanoTime() - p.arrivalNanos());
    }
}
