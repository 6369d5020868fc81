package dnd.tests.coord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.proto.ComposeRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicas stopped gracefully (SIGTERM: what a deploy or a scale-down does) in the middle of a job,
 * one after another, between real processes: each finishes what it holds, answers what comes after
 * with UNAVAILABLE and leaves; the job moves to the next replica each time, loses no step, and
 * ends with the bits of an undisturbed run; every stopped node exits with status 0.
 */
@Timeout(180)
class GracefulStopTest {

    private static final String MODEL = "synth-g";

    private static ComposeRequest request(String jobId) {
        // dnd as shipped: with its guidance requests
        return LocalCluster.twoPlayerJob(jobId, MODEL, 400, 5, dnd.eval.MethodDefaults.forRequest("dnd"));
    }

    @Test
    void stoppingTheServingReplicasOneAfterAnotherMidJobGivesTheSameBits() throws Exception {
        try (LocalCluster cluster = new LocalCluster("graceful-stop")) {
            cluster.startCoordinator("--grace-period", "10s");
            String spec = "shape=3x16x16,attention=4x4,context=4,cost=10ms,name=" + MODEL;
            List<LocalCluster.Proc> replicas = new ArrayList<>();
            for (int i = 0; i < 4; i++) replicas.add(cluster.startNode("g" + i, "--synthetic", spec));
            cluster.awaitReplicas(Map.of(MODEL, 4), Duration.ofSeconds(120));

            ComposeCall undisturbed = ComposeCall.run(cluster.composer(), request("undisturbed")).assertSucceeded();

            List<Integer> exitCodes = new ArrayList<>();
            CompletableFuture<Void> stops = new CompletableFuture<>();
            ComposeCall disturbed = ComposeCall.run(cluster.composer(), request("disturbed"), e -> {
                if (e.hasProgress() && e.getProgress().getStep() == 5) {
                    // off the event thread, so that the job keeps going while the replicas stop
                    CompletableFuture.runAsync(() -> stopServingReplicas(cluster, replicas, 3, exitCodes))
                            .whenComplete((v, err) -> { if (err == null) stops.complete(null); else stops.completeExceptionally(err); });
                }
            }).assertSucceeded();
            stops.get(60, TimeUnit.SECONDS);

            assertEquals(List.of(0, 0, 0), exitCodes, "every stopped node exits with status 0");
            assertEquals(400, disturbed.progress().size(), "one allocation event per step");
            assertArrayEquals(undisturbed.images().get(0).getLatent().getData().toByteArray(),
                    disturbed.images().get(0).getLatent().getData().toByteArray(), "the latent is bit-identical");
        }
    }

    /** SIGTERM, in turn, {@code count} replicas that serve a job (an open stream), each after the previous one has exited. */
    private static void stopServingReplicas(LocalCluster cluster, List<LocalCluster.Proc> replicas, int count, List<Integer> exitCodes) {
        try {
            for (int i = 0; i < count; i++) {
                LocalCluster.Proc serving = awaitServing(cluster, replicas);
                cluster.stop(serving);
                assertTrue(serving.process().waitFor(60, TimeUnit.SECONDS), serving.name() + " stopped within 60 s of SIGTERM");
                synchronized (exitCodes) { exitCodes.add(serving.process().exitValue()); }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static LocalCluster.Proc awaitServing(LocalCluster cluster, List<LocalCluster.Proc> replicas) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var serving = cluster.servingReplica(replicas);
            if (serving.isPresent()) return serving.get();
            Thread.sleep(20);
        }
        throw new AssertionError("no replica serves the job");
    }
}
