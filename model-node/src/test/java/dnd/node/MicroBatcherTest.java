package dnd.node;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.node.backend.SyntheticDenoiser;
import dnd.node.backend.SyntheticSpec;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Batch composition: FIFO head, same kind only, never above max batch, reproducible alone, bounded queue. */
class MicroBatcherTest {

    /** The synthetic model, except that the first call waits for a latch (so the queue can fill behind it). */
    static final class Gated implements Denoiser {
        final SyntheticDenoiser inner = new SyntheticDenoiser(SyntheticSpec.parse("shape=1x4x4,attention=2x2,context=3,cost=0ms"), 64);
        final CountDownLatch running = new CountDownLatch(1), release = new CountDownLatch(1);

        public ModelCard card() { return inner.card(); }

        public Forward forward(FloatTensor x, long[] t, long[][] tokens) {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.forward(x, t, tokens);
        }

        public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor w) { return inner.utilityGrad(x, t, tokens, w); }
    }

    static NodeWork.Step step(ModelCard c, int b, boolean reproducible) {
        long[][] tok = new long[b][];
        for (int i = 0; i < b; i++) tok[i] = c.nullContext();
        return new NodeWork.Step(FloatTensor.zeros(b, 1, 4, 4), 500, 450, tok, tok, 2, 0, new int[0], reproducible, true);
    }

    static NodeWork.Guidance guidance(ModelCard c, int b) {
        long[][] tok = new long[b][];
        for (int i = 0; i < b; i++) tok[i] = c.nullContext();
        return new NodeWork.Guidance(FloatTensor.zeros(b, 1, 4, 4), 500, tok, FloatTensor.zeros(b, 3, 2, 2), false);
    }

    @Test
    void batchesAreComposedFromTheQueueInOrderWithinTheLimits() throws Exception {
        Gated d = new Gated();
        ModelCard c = d.card();
        NodeStats stats = new NodeStats();
        try (MicroBatcher batcher = new MicroBatcher(new BatchRunner(d), 4, 0, 10, stats)) {
            Map<String, CompletableFuture<MicroBatcher.Outcome>> out = new ConcurrentHashMap<>();
            java.util.function.BiConsumer<String, NodeWork> submit = (name, w) -> {
                CompletableFuture<MicroBatcher.Outcome> f = new CompletableFuture<>();
                out.put(name, f);
                try {
                    batcher.submit(w, f::complete);
                } catch (RequestException e) {
                    f.completeExceptionally(e);
                }
            };
            submit.accept("blocker", step(c, 1, false));
            assertTrue(d.running.await(30, TimeUnit.SECONDS));
            submit.accept("s3", step(c, 3, false));
            submit.accept("s2", step(c, 2, false));
            submit.accept("g1", guidance(c, 1));
            submit.accept("r1", step(c, 1, true));
            submit.accept("s1", step(c, 1, false));
            // 8 latents queued behind the running one; 4 more would pass the limit of 10
            var full = assertThrows(RequestException.class, () -> batcher.submit(step(c, 4, false), o -> {}));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.code());
            assertTrue(full.getMessage().startsWith("queue"), full.getMessage());
            d.release.countDown();
            assertTrue(batcher.drain(30_000));
            assertEquals(1, out.get("blocker").get().batchLatents());
            assertEquals(4, out.get("s3").get().batchLatents(), "s3 + s1 (s2 would pass 4, g1 is another kind, r1 runs alone)");
            assertEquals(4, out.get("s1").get().batchLatents());
            assertEquals(2, out.get("s2").get().batchLatents());
            assertEquals(1, out.get("g1").get().batchLatents());
            assertEquals(1, out.get("r1").get().batchLatents());
            for (var f : out.values()) assertNull(f.get().failure());
            assertEquals(5, stats.snapshot().getForwardPasses());
            assertEquals(4, stats.snapshot().getLargestBatch());
            var refused = assertThrows(RequestException.class, () -> batcher.submit(step(c, 1, false), o -> {}));
            assertEquals(Status.Code.UNAVAILABLE, refused.code(), "a drained batcher refuses new work");
        }
    }

    @Test
    void aBackendFailureIsReportedToEveryRequestOfTheBatch() throws Exception {
        Denoiser broken = new Denoiser() {
            final SyntheticDenoiser inner = new SyntheticDenoiser(SyntheticSpec.parse("shape=1x4x4,attention=2x2,context=3,cost=0ms"), 8);
            public ModelCard card() { return inner.card(); }
            public Forward forward(FloatTensor x, long[] t, long[][] tokens) { throw new IllegalStateException("out of memory"); }
            public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] k, FloatTensor w) { throw new IllegalStateException("x"); }
        };
        try (MicroBatcher batcher = new MicroBatcher(new BatchRunner(broken), 4, 0, 12, new NodeStats())) {
            CompletableFuture<MicroBatcher.Outcome> f = new CompletableFuture<>();
            batcher.submit(step(broken.card(), 2, false), f::complete);
            assertEquals("out of memory", f.get(30, TimeUnit.SECONDS).failure().getMessage());
            CompletableFuture<MicroBatcher.Outcome> g = new CompletableFuture<>();
            batcher.submit(guidance(broken.card(), 1), g::complete);
            assertNotNull(g.get(30, TimeUnit.SECONDS).failure(), "the worker survives a failed batch");
        }
    }

    @Test
    void withAFixedShapeReproducibleRequestsMergeToo() throws Exception {
        Gated d = new Gated();
        ModelCard c = d.card();
        try (MicroBatcher batcher = new MicroBatcher(new BatchRunner(d, 4), 4, 0, 16, new NodeStats())) {
            assertTrue(batcher.mergesReproducible());
            CompletableFuture<MicroBatcher.Outcome> blocker = new CompletableFuture<>(), r1 = new CompletableFuture<>(), r2 = new CompletableFuture<>();
            batcher.submit(step(c, 1, true), blocker::complete);
            assertTrue(d.running.await(30, TimeUnit.SECONDS));
            batcher.submit(step(c, 1, true), r1::complete);
            batcher.submit(step(c, 2, true), r2::complete);
            d.release.countDown();
            assertEquals(1, blocker.get(30, TimeUnit.SECONDS).batchLatents());
            assertEquals(3, r1.get(30, TimeUnit.SECONDS).batchLatents());
            assertEquals(3, r2.get(30, TimeUnit.SECONDS).batchLatents());
            NodeWork.StepResult merged = (NodeWork.StepResult) r1.get().result();
            assertArrayEquals(new int[]{1, 1, 4, 4}, merged.epsCond().shape(), "padding rows are not returned");
        }
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher(new BatchRunner(d, 2), 4, 0, 16, new NodeStats()),
                "a fixed shape smaller than max batch cannot hold a full batch");
    }
    /** Records which thread called the backend and how many calls overlapped; the first call waits for a latch. */
    static final class Watched implements Denoiser {
        final SyntheticDenoiser inner = new SyntheticDenoiser(SyntheticSpec.parse("shape=1x4x4,attention=2x2,context=3,cost=0ms"), 64);
        final CountDownLatch firstRunning = new CountDownLatch(1), release = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger(), calls = new java.util.concurrent.atomic.AtomicInteger();
        volatile int mostAtOnce;
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        public ModelCard card() { return inner.card(); }

        public Forward forward(FloatTensor x, long[] t, long[][] tokens) {
            int now = active.incrementAndGet();
            mostAtOnce = Math.max(mostAtOnce, now);
            threads.add(Thread.currentThread().getName());
            try {
                if (calls.getAndIncrement() == 0) {
                    firstRunning.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                return inner.forward(x, t, tokens);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                active.decrementAndGet();
            }
        }

        public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor w) { return inner.utilityGrad(x, t, tokens, w); }
    }

    @Test
    void anIdleRequestThatMustRunAloneRunsOnTheCallersThreadAndNeverBesideAnother() throws Exception {
        Watched d = new Watched();
        ModelCard c = d.card();
        try (MicroBatcher batcher = new MicroBatcher(new BatchRunner(d), 4, 0, 16, new NodeStats(), true)) {
            CompletableFuture<MicroBatcher.Outcome> first = new CompletableFuture<>(), queued = new CompletableFuture<>(), merged = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    batcher.submit(step(c, 1, true), first::complete);
                } catch (RequestException e) {
                    first.completeExceptionally(e);
                }
            }, "transport-1");
            caller.start();
            assertTrue(d.firstRunning.await(30, TimeUnit.SECONDS));
            // busy: these queue for the worker and submit returns at once
            batcher.submit(step(c, 1, true), queued::complete);
            batcher.submit(step(c, 2, false), merged::complete);
            assertFalse(queued.isDone());
            assertFalse(merged.isDone());
            d.release.countDown();
            assertNull(first.get(30, TimeUnit.SECONDS).failure());
            assertNull(queued.get(30, TimeUnit.SECONDS).failure());
            assertNull(merged.get(30, TimeUnit.SECONDS).failure());
            caller.join(30_000);
            assertEquals(List.of("transport-1", "dnd-batcher", "dnd-batcher"), d.threads, "the idle request ran on its caller, the rest on the worker");
            assertEquals(1, d.mostAtOnce, "calls into the backend never overlap");
        }
    }

    @Test
    void anIdleRequestThatMayMergeStillGoesThroughTheWorker() throws Exception {
        Watched d = new Watched();
        d.release.countDown();
        ModelCard c = d.card();
        try (MicroBatcher batcher = new MicroBatcher(new BatchRunner(d), 4, 0, 16, new NodeStats(), true)) {
            CompletableFuture<MicroBatcher.Outcome> alone = new CompletableFuture<>(), mergeable = new CompletableFuture<>();
            batcher.submit(step(c, 1, true), alone::complete);
            assertTrue(alone.isDone(), "an idle reproducible request is answered before submit returns");
            batcher.submit(step(c, 1, false), mergeable::complete);
            assertNull(mergeable.get(30, TimeUnit.SECONDS).failure());
            assertEquals(List.of(Thread.currentThread().getName(), "dnd-batcher"), d.threads);
        }
    }
}
