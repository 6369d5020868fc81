package dnd.tests.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dnd.common.compose.Compositions;
import dnd.common.compose.LocalSampler;
import dnd.common.compose.PlayerSpec;
import dnd.common.compose.SamplerConfig;
import dnd.common.gmm.GaussianMixtureDenoiser;
import dnd.common.gmm.GmmSpec;
import dnd.common.model.Concept;
import dnd.common.tensor.FloatTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.proto.CancelRequest;
import dnd.proto.ClusterRequest;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ImageResult;
import dnd.proto.Player;
import dnd.node.client.TensorCodec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
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
@Timeout(150)
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
        cluster.awaitReplicas(Map.of(LEFT, 1, RIGHT, 1), Duration.ofSeconds(90));
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
        ComposeRequest request = twoPlayers().setMethod("dnd").putOptions("fairness", "proportional").setSteps(STEPS).setOwnerMaps(true).build();
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
    void previewsComeWithEveryProgressEventOnlyWhenAsked() throws Exception {
        ComposeRequest plain = twoPlayers().setMethod("dnd").setSteps(6).build();
        for (ComposeEvent e : ComposeCall.run(cluster.composer(), plain).assertSucceeded().progress())
            assertTrue(e.getProgress().getPreviewPng().isEmpty(), "no preview unless asked");
        ComposeCall withPreviews = ComposeCall.run(cluster.composer(), plain.toBuilder().setPreviews(true).build()).assertSucceeded();
        assertEquals(6, withPreviews.progress().size());
        BufferedImage last = null;
        for (ComposeEvent e : withPreviews.progress()) {
            last = ImageIO.read(new ByteArrayInputStream(e.getProgress().getPreviewPng().toByteArray()));
            assertNotNull(last, "a decodable preview at step " + e.getProgress().getStep());
            assertEquals(withPreviews.images().get(0).getLatent().getShape(2), last.getWidth());
        }
        // asking for previews changes nothing else: the same image
        assertEquals(ComposeCall.run(cluster.composer(), plain).assertSucceeded().images().get(0).getLatent(),
                withPreviews.images().get(0).getLatent());
    }

    @Test
    void ownerMapsComeWithEveryProgressEventOnlyWhenAsked() throws Exception {
        ComposeRequest plain = twoPlayers().setMethod("dnd").setSteps(6).build();
        ComposeCall without = ComposeCall.run(cluster.composer(), plain).assertSucceeded();
        for (ComposeEvent e : without.progress()) {
            assertFalse(e.getProgress().hasOwnerMap(), "no owner map unless asked, step " + e.getProgress().getStep());
            assertEquals(2, e.getProgress().getSharesCount(), "the shares still come");
        }
        ComposeCall with = ComposeCall.run(cluster.composer(), plain.toBuilder().setOwnerMaps(true).build()).assertSucceeded();
        assertEquals(6, with.progress().size());
        for (ComposeEvent e : with.progress()) {
            // decodeFloat checks the dtype and that the bytes fill the shape
            FloatTensor map = TensorCodec.decodeFloat(e.getProgress().getOwnerMap(), "owner_map");
            int rows = map.dim(0), features = map.dim(1) * map.dim(2);
            assertEquals(3, rows, "two players and the fictitious one");
            float[] q = map.data();
            for (int j = 0; j < features; j++) {   // every feature is fully shared out among the rows
                double sum = 0;
                for (int i = 0; i < rows; i++) sum += q[i * features + j];
                assertEquals(1.0, sum, 1e-4, "Q of feature " + j + " at step " + e.getProgress().getStep());
            }
            // the map's per-player mass is the share the event reports
            double mass = 0;
            for (int j = 0; j < features; j++) mass += q[j];
            assertEquals(e.getProgress().getShares(0).getShare(), mass / features, 1e-4);
        }
        // asking for the maps changes nothing else: the same image
        assertEquals(without.images().get(0).getLatent(), with.images().get(0).getLatent());
    }

    /**
     * The job actor sends a step's requests before it tells the previous step's event; the stream
     * still reads in order: every step of an image, then that image, then the next image's steps.
     */
    @Test
    void eventsArriveStepByStepAndEachImageAfterItsLastStep() {
        ComposeRequest request = twoPlayers().setMethod("dnd").setSteps(5).setImages(3).setPreviews(true).build();
        List<String> order = new java.util.ArrayList<>();
        ComposeCall.run(cluster.composer(), request, e -> order.add(switch (e.getKindCase()) {
            case PROGRESS -> "step " + e.getProgress().getImage() + "." + e.getProgress().getStep();
            case IMAGE -> "image " + e.getImage().getImage();
            default -> e.getKindCase().name();
        })).assertSucceeded();
        List<String> expected = new java.util.ArrayList<>();
        for (int image = 0; image < 3; image++) {
            for (int step = 0; step < 5; step++) expected.add("step " + image + "." + step);
            expected.add("image " + image);
        }
        expected.add("DONE");
        assertEquals(expected, order);
    }

    @Test
    void aJobThatAllowsBatchingGivesTheSameImageOnABatchInvariantModel() {
        ComposeRequest request = twoPlayers().setMethod("dnd").setSteps(6).build();
        ImageResult alone = ComposeCall.run(cluster.composer(), request).assertSucceeded().images().get(0);
        ImageResult merged = ComposeCall.run(cluster.composer(), request.toBuilder().setAllowBatching(true).build()).assertSucceeded().images().get(0);
        assertEquals(alone.getLatent(), merged.getLatent(), "the Gaussian-mixture backend is batch-invariant");
    }

    /** Every method of the engine runs distributed and gives the same bits as the in-process driver. */
    @Test
    void everyMethodGivesTheSameBitsOverTheClusterAsInProcess() {
        List<PlayerSpec> players = localPlayers();
        List<Map.Entry<String, Map<String, String>>> variants = new java.util.ArrayList<>();
        for (String method : Compositions.methods()) variants.add(Map.entry(method, Map.of()));
        // dnd with guidance (a second round trip per step), its one-round-trip variant, and the score utility
        variants.add(Map.entry("dnd", Map.of("gamma", "0.5", "fairness", "envy-free")));
        variants.add(Map.entry("dnd", Map.of("gamma", "0.5", "guidance-from", "previous")));
        variants.add(Map.entry("dnd", Map.of("utility", "score")));
        // the solo phase (players on their own latents, guided); below, x0-hat clipping (every second
        // variant) and DDPM noise, eta 1 (every other pair), so clip and eta meet in every combination

        variants.add(Map.entry("dnd", Map.of("gamma", "0.5", "solo", "0.5")));
        // dnd and its ablation exactly as shipped (MethodDefaults: what eval, sample and demo send)
        variants.add(Map.entry("dnd", dnd.eval.MethodDefaults.forRequest("dnd")));
        variants.add(Map.entry("dnd-nofair", dnd.eval.MethodDefaults.forRequest("dnd-nofair")));
        for (int x = 0; x < variants.size(); x++) {
            var v = variants.get(x);
            String method = v.getKey();
            double clip = x % 2 == 1 ? 0.5 : 0;
            double eta = (x / 2) % 2 == 1 ? 1 : 0;
            ComposeRequest request = twoPlayers().setMethod(method).putAllOptions(v.getValue()).setSteps(6).setGuidanceScale(2).setSeed(9)
                    .setX0Clip(clip).setEta(eta).build();
            ComposeCall call = ComposeCall.run(cluster.composer(), request).assertSucceeded();
            FloatTensor local = LocalSampler.run(Compositions.create(method, v.getValue(), players, new SamplerConfig(6, 9, 2, eta, clip)),
                    players, localModels()).latent();
            assertArrayEquals(bytes(local), call.images().get(0).getLatent().getData().toByteArray(), method + " " + v.getValue() + " clip " + clip + " eta " + eta);
            assertEquals(6, call.progress().size(), method);
        }
    }

    /** Jobs run side by side without disturbing each other: each gives its own in-process bits. */
    @Test
    void concurrentJobsEachGiveTheirOwnBits() throws Exception {
        List<PlayerSpec> players = localPlayers();
        List<CompletableFuture<ComposeCall>> calls = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int seed = 20; seed < 24; seed++) {
                ComposeRequest r = twoPlayers().setMethod("dnd").putOptions("gamma", "0.5").setSteps(8).setGuidanceScale(2).setSeed(seed).build();
                calls.add(CompletableFuture.supplyAsync(() -> ComposeCall.run(cluster.composer(), r).assertSucceeded(), pool));
            }
            for (int i = 0; i < calls.size(); i++) {
                FloatTensor local = LocalSampler.run(Compositions.create("dnd", Map.of("gamma", "0.5"), players, new SamplerConfig(8, 20 + i, 2, 0)),
                        players, localModels()).latent();
                assertArrayEquals(bytes(local), calls.get(i).get(60, TimeUnit.SECONDS).images().get(0).getLatent().getData().toByteArray(), "seed " + (20 + i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<GaussianMixtureDenoiser> localModels() {
        return List.of(new GaussianMixtureDenoiser(GmmSpec.withShape(LEFT, 16, 16, 8, 8)), new GaussianMixtureDenoiser(GmmSpec.withShape(RIGHT, 16, 16, 8, 8)));
    }

    private static List<PlayerSpec> localPlayers() {
        List<GaussianMixtureDenoiser> m = localModels();
        return List.of(PlayerSpec.of(m.get(0).card(), Concept.parse("red left", m.get(0).card().colours())),
                PlayerSpec.of(m.get(1).card(), Concept.parse("blue right", m.get(1).card().colours())));
    }

    private static byte[] bytes(FloatTensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        return b.array();
    }

    @Test
    void unknownModelConceptMethodOrBadOptionIsAnInvalidArgumentNamingIt() {
        var bad = Map.of(
                "players[1].model", twoPlayers().setPlayers(1, Player.newBuilder().setModel("no-such-model").setConcept("left")).setMethod("dnd"),
                "players[0].concept", twoPlayers().setPlayers(0, Player.newBuilder().setModel(LEFT).setConcept("purple left")).setMethod("dnd"),
                "method", twoPlayers().setMethod("no-such-method"),
                "steps", twoPlayers().setMethod("dnd").setSteps(5000),
                "x0_clip", twoPlayers().setMethod("dnd").setX0Clip(-1),
                "option", twoPlayers().setMethod("dnd").putOptions("fairness", "sometimes"));
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

    @Test
    void aClientThatGoesAwayCancelsItsJob() throws Exception {
        ComposeRequest request = twoPlayers().setMethod("average").setSteps(500).setImages(64).setJobId("abandoned").build();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<ClientCallStreamObserver<ComposeRequest>> call = new AtomicReference<>();
        cluster.composerAsync().compose(request, new ClientResponseObserver<ComposeRequest, ComposeEvent>() {
            @Override public void beforeStart(ClientCallStreamObserver<ComposeRequest> requestStream) { call.set(requestStream); }
            @Override public void onNext(ComposeEvent e) { started.countDown(); }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS), "the job started");
        call.get().cancel("the user pressed Ctrl-C", null);
        awaitTrue(() -> cluster.composer().cluster(ClusterRequest.getDefaultInstance()).getRunningJobs() == 0, "the abandoned job is gone");
        awaitTrue(() -> cluster.nodeStats(left).getOpenStreams() == 0 && cluster.nodeStats(right).getOpenStreams() == 0,
                "its Denoise streams are closed");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("not within 10 s: " + what);
    }
}
