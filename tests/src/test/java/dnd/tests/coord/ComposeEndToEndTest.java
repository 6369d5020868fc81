package dnd.tests.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.proto.CancelRequest;
import dnd.proto.ClusterRequest;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ImageResult;
import dnd.proto.Player;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coordinator JVM and two model-node JVMs (the analytic Gaussian-mixture backend: exact scores
 * and attention maps, so the game is well posed) compose over real gRPC and a real Pekko cluster.
 */
@Timeout(120)
class ComposeEndToEndTest {

    private static final String LEFT = "gmm-left", RIGHT = "gmm-right";
    private static final int STEPS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCluster cluster;
    private static LocalCluster.Proc left, right;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster("compose");
        cluster.startCoordinator();
        left = cluster.startNode("left", "--gmm", "name=" + LEFT);
        right = cluster.startNode("right", "--gmm", "name=" + RIGHT);
        cluster.awaitReplicas(Map.of(LEFT, 1, RIGHT, 1), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static ComposeRequest.Builder twoPlayers() {
        return ComposeRequest.newBuilder()
                .addPlayers(Player.newBuilder().setModel(LEFT).setConcept("red left"))
                .addPlayers(Player.newBuilder().setModel(RIGHT).setConcept("blue right"))
                .setSeed(5).setImages(1);
    }

    @Test
    void twoNodesComposeADndImageThatIsProportionallyFairAtEveryStep() throws Exception {
        ComposeRequest request = twoPlayers().setMethod("dnd").putOptions("fairness", "proportional").setSteps(STEPS).build();
        ComposeCall call = ComposeCall.run(cluster.composer(), request).assertSucceeded();

        assertEquals(STEPS, call.progress().size(), "one allocation event per step");
        for (ComposeEvent e : call.progress()) {
            assertEquals(2, e.getProgress().getSharesCount());
            assertEquals(3, e.getProgress().getOwnerMap().getShape(0), "Q rows: two players and the fictitious one");
            // the step's timing: node compute on the critical path lies within the step's wall time
            assertTrue(e.getProgress().getComputeMs() > 0, "compute_ms of step " + e.getProgress().getStep());
            assertTrue(e.getProgress().getStepMs() >= e.getProgress().getComputeMs(), "step_ms >= compute_ms at step " + e.getProgress().getStep());
        }
        ImageResult image = call.images().get(0);
        assertEquals(5, image.getSeed());
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(image.getPng().toByteArray()));
        assertNotNull(png, "a decodable PNG");
        assertEquals(image.getLatent().getShape(1), png.getHeight(), "latent [C,H,W]");
        assertEquals(image.getLatent().getShape(2), png.getWidth());
        assertTrue(new String(image.getAllocationGif().substring(0, 6).toByteArray()).startsWith("GIF8"), "an animated GIF");

        JsonNode report = JSON.readTree(image.getFairnessReportJson());
        assertEquals(STEPS, report.path("steps").size());
        for (JsonNode step : report.path("steps")) {
            assertEquals(2, step.path("players").size());
            for (JsonNode p : step.path("players")) {
                double value = p.path("value").asDouble(), target = p.path("target").asDouble();
                assertTrue(target > 0, "a positive fair-share target: " + p);
                // Proportional fairness: each player's value of its own share reaches its target.
                assertTrue(value >= target - 1e-6, "step " + step.path("step") + ": " + p);
                assertTrue(p.path("slack").asDouble() >= -1e-6, p.toString());
            }
            assertTrue(step.path("kkt_residual").asDouble() < 1e-6, "solver converged: " + step);
        }
    }

    @Test
    void aJobThatAllowsBatchingGivesTheSameImageOnABatchInvariantModel() {
        ComposeRequest request = twoPlayers().setMethod("dnd").setSteps(6).build();
        ImageResult alone = ComposeCall.run(cluster.composer(), request).assertSucceeded().images().get(0);
        ImageResult merged = ComposeCall.run(cluster.composer(), request.toBuilder().setAllowBatching(true).build()).assertSucceeded().images().get(0);
        assertEquals(alone.getLatent(), merged.getLatent(), "the Gaussian-mixture backend is batch-invariant");
    }

    @Test
    void unknownModelConceptOrMethodIsAnInvalidArgumentNamingIt() {
        var bad = Map.of(
                "players[1].model", twoPlayers().setPlayers(1, Player.newBuilder().setModel("no-such-model").setConcept("left")).setMethod("dnd"),
                "players[0].concept", twoPlayers().setPlayers(0, Player.newBuilder().setModel(LEFT).setConcept("purple left")).setMethod("dnd"),
                "method", twoPlayers().setMethod("no-such-method"),
                "steps", twoPlayers().setMethod("dnd").setSteps(5000));
        bad.forEach((field, request) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.composer().compose(request.build()).hasNext());
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), field);
            assertTrue(e.getStatus().getDescription().contains(field), field + " named in: " + e.getStatus().getDescription());
        });
        // The bad requests did not disturb the service.
        assertEquals(0, cluster.composer().cluster(ClusterRequest.getDefaultInstance()).getRunningJobs());
    }

    @Test
    void cancelStopsAJobAndClosesItsStreamsToTheNodes() throws Exception {
        ComposeRequest request = twoPlayers().setMethod("dnd").setSteps(500).setImages(64).setJobId("to-cancel").build();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Status> ended = new CompletableFuture<>();
        cluster.composerAsync().compose(request, new StreamObserver<>() {
            @Override public void onNext(ComposeEvent e) { started.countDown(); }
            @Override public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
                started.countDown();
            }
            @Override public void onCompleted() { ended.complete(Status.OK); }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS), "the job started");
        assertFalse(ended.isDone(), "the job is running, not ended: " + ended.getNow(null));
        assertEquals(1, cluster.composer().cluster(ClusterRequest.getDefaultInstance()).getRunningJobs());

        assertTrue(cluster.composer().cancel(CancelRequest.newBuilder().setJobId("to-cancel").build()).getCancelled());
        assertEquals(Status.Code.CANCELLED, ended.get(10, TimeUnit.SECONDS).getCode());
        assertFalse(cluster.composer().cancel(CancelRequest.newBuilder().setJobId("to-cancel").build()).getCancelled(), "nothing left to cancel");

        awaitTrue(() -> cluster.composer().cluster(ClusterRequest.getDefaultInstance()).getRunningJobs() == 0, "the job is gone");
        awaitTrue(() -> cluster.nodeStats(left).getOpenStreams() == 0 && cluster.nodeStats(right).getOpenStreams() == 0,
                "the job's Denoise streams to both nodes are closed");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("not within 10 s: " + what);
    }
}
