package dnd.tests.coord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.proto.ComposeRequest;
import dnd.proto.ListModelsRequest;
import dnd.proto.ModelInfo;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover between real processes: a coordinator JVM and model-node JVMs (a fixed-cost synthetic
 * backend, so a job lasts long enough to kill a node in the middle of it) on loopback.
 */
@Timeout(150)
class FailoverTest {

    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final String A = "synth-a", B = "synth-b";
    private static LocalCluster cluster;
    private static LocalCluster.Proc a1, a2, a3, a4, b1;
    private static ComposeCall reference;

    private static String spec(String name, String cost) { return "shape=3x16x16,attention=4x4,context=4,cost=" + cost + ",name=" + name; }

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster("failover");
        // A long step deadline: a frozen replica must be dropped because it became unreachable, not at the deadline.
        cluster.startCoordinator("--grace-period", GRACE.toSeconds() + "s", "--step-deadline", "60s");
        a1 = cluster.startNode("a1", "--synthetic", spec(A, "10ms"));
        a2 = cluster.startNode("a2", "--synthetic", spec(A, "10ms"));
        a3 = cluster.startNode("a3", "--synthetic", spec(A, "10ms"));
        a4 = cluster.startNode("a4", "--synthetic", spec(A, "10ms"));   // three tests each take one replica away
        b1 = cluster.startNode("b1", "--synthetic", spec(B, "10ms"));
        cluster.awaitReplicas(Map.of(A, 4, B, 1), Duration.ofSeconds(90));
        // Same model name, another model file (checksum), joining after the checksum is established.
        cluster.startNode("a-other-file", "--synthetic", spec(A, "11ms"));
        cluster.awaitRefused(A, 1, Duration.ofSeconds(60));
        reference = ComposeCall.run(cluster.composer(), request("undisturbed", A, 40)).assertSucceeded();
        assertTrue(reference.done().getFailoversMap().isEmpty(), "no failover without a failure: " + reference.done());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static ComposeRequest request(String jobId, String model, int steps) {
        return request(jobId, model, steps, Map.of());
    }

    private static ComposeRequest request(String jobId, String model, int steps, Map<String, String> options) {
        return LocalCluster.twoPlayerJob(jobId, model, steps, 11, options);
    }

    /**
     * The undisturbed run every disturbed one must reproduce bit for bit, made before any test
     * takes a replica away: a job started right after a kill may still be sent to the dead
     * replica (the cluster lists it for a few seconds) and fail over.
     */
    private static ComposeCall reference() {
        return reference;
    }

    /** A live replica of A with a job's Denoise stream open. */
    private static LocalCluster.Proc servingReplica() {
        return cluster.servingReplica(List.of(a1, a2, a3, a4)).orElseThrow();
    }

    @Test
    void killingAReplicaInTheMiddleOfAJobGivesTheSameBits() throws Exception {
        ComposeCall undisturbed = reference();

        // Kill -9 a replica that serves this job (it has the job's stream open) at step 10.
        ComposeCall disturbed = ComposeCall.run(cluster.composer(), request("disturbed", A, 40), e -> {
            if (e.hasProgress() && e.getProgress().getStep() == 10) {
                try {
                    cluster.kill(servingReplica());
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }).assertSucceeded();

        assertTrue(disturbed.done().getFailoversOrDefault(A, 0) >= 1, "the killed replica's steps were retried: " + disturbed.done());
        assertEquals(40, disturbed.progress().size(), "one allocation event per step");
        assertArrayEquals(undisturbed.images().get(0).getLatent().getData().toByteArray(),
                disturbed.images().get(0).getLatent().getData().toByteArray(), "the latent after failover is bit-identical");
        assertArrayEquals(undisturbed.images().get(0).getPng().toByteArray(), disturbed.images().get(0).getPng().toByteArray());

        // a job started right after the crash, while the cluster still lists the dead replica
        // (for a few seconds), is not sent there: a job saw it fail
        ComposeCall next = ComposeCall.run(cluster.composer(), request("after-the-kill", A, 5)).assertSucceeded();
        assertTrue(next.done().getFailoversMap().isEmpty(), "the next job avoided the replica that had just failed: " + next.done());
    }

    @Test
    void dndAsShippedSurvivesAKilledReplicaWithItsGuidanceRequestsInFlight() throws Exception {
        // the shipped options: each step's guidance request goes out with its step request
        // (guidance-from=previous), so a replica killed mid-job holds both kinds unanswered
        Map<String, String> shipped = dnd.eval.MethodDefaults.forRequest("dnd");
        assertEquals("previous", shipped.get("guidance-from"));
        ComposeCall undisturbed = ComposeCall.run(cluster.composer(), request("guided-undisturbed", A, 40, shipped)).assertSucceeded();
        // a player's step and guidance requests may go to different replicas: the victim is one
        // that has answered guidance requests of this job
        Map<LocalCluster.Proc, Long> guidanceBefore = new java.util.HashMap<>();
        for (LocalCluster.Proc p : List.of(a1, a2, a3, a4))
            if (p.process().isAlive()) guidanceBefore.put(p, cluster.nodeStats(p).getGuidanceRequests());
        AtomicLong victimsGuidance = new AtomicLong(-1);
        ComposeCall disturbed = ComposeCall.run(cluster.composer(), request("guided-disturbed", A, 40, shipped), e -> {
            if (e.hasProgress() && e.getProgress().getStep() == 10) {
                for (Map.Entry<LocalCluster.Proc, Long> r : guidanceBefore.entrySet()) {
                    var stats = cluster.nodeStats(r.getKey());
                    long answered = stats.getGuidanceRequests() - r.getValue();
                    if (stats.getOpenStreams() == 0 || answered == 0) continue;
                    victimsGuidance.set(answered);
                    try {
                        cluster.kill(r.getKey());
                    } catch (InterruptedException ex) {
                        throw new IllegalStateException(ex);
                    }
                    return;
                }
            }
        }).assertSucceeded();

        assertTrue(victimsGuidance.get() > 0, "a replica serving this job's guidance requests was killed");

        assertTrue(disturbed.done().getFailoversOrDefault(A, 0) >= 1, "the killed replica's requests were retried: " + disturbed.done());
        assertEquals(40, disturbed.progress().size(), "one allocation event per step");
        assertArrayEquals(undisturbed.images().get(0).getLatent().getData().toByteArray(),
                disturbed.images().get(0).getLatent().getData().toByteArray(), "the latent after failover is bit-identical");
    }

    @Test
    @Timeout(45)
    void aFrozenReplicaIsDroppedAsUnreachableAndTheStepRetriedElsewhere() throws Exception {
        ComposeCall undisturbed = reference();
        List<LocalCluster.Proc> frozen = new ArrayList<>();
        ComposeCall disturbed = ComposeCall.run(cluster.composer(), request("frozen", A, 40), e -> {
            if (e.hasProgress() && e.getProgress().getStep() == 10) {
                // SIGSTOP a replica serving this job: its TCP connections stay open, it just stops answering.
                LocalCluster.Proc serving = servingReplica();
                cluster.signal(serving, "STOP");
                frozen.add(serving);
            }
        });
        try {
            disturbed.assertSucceeded();
            assertEquals(1, frozen.size());
            assertTrue(disturbed.done().getFailoversOrDefault(A, 0) >= 1, disturbed.done().toString());
            assertArrayEquals(undisturbed.images().get(0).getLatent().getData().toByteArray(),
                    disturbed.images().get(0).getLatent().getData().toByteArray(), "the latent after failover is bit-identical");
        } finally {
            for (LocalCluster.Proc p : frozen) cluster.kill(p);
        }
    }

    @Test
    void killingTheOnlyReplicaFailsTheJobWithinTheGracePeriodNamingTheModel() {
        AtomicLong killedAt = new AtomicLong();
        ComposeCall call = ComposeCall.run(cluster.composer(), request("orphan", B, 200), e -> {
            if (e.hasProgress() && e.getProgress().getStep() == 3 && killedAt.get() == 0) {
                try {
                    cluster.kill(b1);
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
                killedAt.set(System.nanoTime());
            }
        });
        long failedAfterMs = (System.nanoTime() - killedAt.get()) / 1_000_000;
        assertNotNull(call.error(), "the job must fail");
        assertEquals(Status.Code.UNAVAILABLE, call.error().getStatus().getCode());
        assertTrue(call.error().getStatus().getDescription().contains("model " + B), call.error().getStatus().getDescription());
        assertTrue(failedAfterMs < GRACE.toMillis() + 5000, "failed " + failedAfterMs + " ms after the kill");
        assertTrue(failedAfterMs >= GRACE.toMillis() - 500, "waited the grace period for a replica, failed after " + failedAfterMs + " ms");
    }

    @Test
    void aReplicaWithAnotherChecksumIsRefusedAndTheReasonShown() {
        ModelInfo a = cluster.composer().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getCard().getName().equals(A)).findFirst().orElseThrow();
        assertEquals(1, a.getRefusedCount(), "refused: " + a.getRefusedList());
        assertTrue(a.getRefused(0).contains("checksum"), a.getRefused(0));
        assertTrue(a.getReplicasList().stream().noneMatch(r -> a.getRefused(0).startsWith(r + ":")), "a refused replica is never used");
    }
}
