package dnd.cli.bench;

import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs Compose requests through the coordinator's public API and keeps what their events say about time. */
final class JobDriver {

    /** One step as the coordinator timed it: wall time, the node compute on its critical path and the job actor's own time. */
    record StepTime(int image, int step, double stepMs, double computeMs, double coordinatorMs) {}

    /** One finished job: its steps, the client's wall time (request sent to last event) and the coordinator's. */
    record JobTiming(List<StepTime> steps, double clientWallMs, double coordinatorWallMs, int images) {}

    /** Jobs run at once, and the wall time from the first request to the last job's end. */
    record Concurrent(List<JobTiming> jobs, double wallMs) {
        int images() { return jobs.stream().mapToInt(JobTiming::images).sum(); }

        double imagesPerMinute() { return images() / (wallMs / 60_000.0); }
    }

    private final ManagedChannel channel;

    JobDriver(ManagedChannel channel) { this.channel = channel; }

    /** Runs one job to its end; throws its error (a failed job makes the benchmark fail loudly). */
    JobTiming run(ComposeRequest request) {
        long t0 = System.nanoTime();
        List<StepTime> steps = new ArrayList<>();
        double coordinatorWall = Double.NaN;
        int images = 0;
        Iterator<ComposeEvent> events = ComposerGrpc.newBlockingStub(channel).compose(request);
        while (events.hasNext()) {
            ComposeEvent e = events.next();
            switch (e.getKindCase()) {
                case PROGRESS -> steps.add(new StepTime(e.getProgress().getImage(), e.getProgress().getStep(),
                        e.getProgress().getStepMs(), e.getProgress().getComputeMs(), e.getProgress().getCoordinatorMs()));
                case IMAGE -> images++;
                case DONE -> coordinatorWall = e.getDone().getWallMs();
                default -> { }
            }
        }
        return new JobTiming(steps, (System.nanoTime() - t0) / 1e6, coordinatorWall, images);
    }

    /** Runs the requests at the same time, one client thread each. */
    Concurrent runConcurrently(List<ComposeRequest> requests) {
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
            long t0 = System.nanoTime();
            List<Future<JobTiming>> futures = new ArrayList<>();
            for (ComposeRequest r : requests) futures.add(pool.submit(() -> run(r)));
            List<JobTiming> jobs = new ArrayList<>();
            for (Future<JobTiming> f : futures) jobs.add(f.get());
            return new Concurrent(jobs, (System.nanoTime() - t0) / 1e6);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
