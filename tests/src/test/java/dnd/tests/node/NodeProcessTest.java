package dnd.tests.node;

import com.google.protobuf.ByteString;
import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import dnd.node.backend.TorchScriptDenoiser;
import dnd.node.client.DenoiseSession;
import dnd.node.client.ModelNodeClient;
import dnd.node.client.TensorCodec;
import dnd.proto.DType;
import dnd.proto.DenoiseReply;
import dnd.proto.DenoiseRequest;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import dnd.proto.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** {@code dnd node --model models/fixture} in its own JVM, driven through real gRPC channels. */
class NodeProcessTest {

    static final int MAX_BATCH = 8;
    static NodeProcess node;
    static ModelNodeClient client;
    static ModelCard card;

    @BeforeAll
    static void start() throws Exception {
        node = NodeProcess.start("--model", NodeProcess.fixture().toString(), "--port", "0", "--cluster-port", "0",
                "--max-batch", String.valueOf(MAX_BATCH), "--max-wait", "1");
        client = ModelNodeClient.connect("127.0.0.1", node.grpcPort);
        card = client.describe();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (node != null) {
            assertEquals(0, node.terminate(), "graceful exit on SIGTERM; log:\n" + node.logText());
            assertTrue(node.logText().contains("deregistering model fixture"), node.logText());
            assertTrue(node.logText().contains("stopped; stats"), node.logText());
            node.close();
        }
    }

    static FloatTensor randn(long seed, int... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) (Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        return t;
    }

    static long[] ctx(String concept) { return card.contextFor(Concept.parse(concept, card.colours())); }

    static StepRequest.Builder validStep() {
        return StepRequest.newBuilder().setStepIndex(0).setTimestep(961).setPrevTimestep(921)
                .setX(TensorCodec.encode(randn(1, 1, 3, 32, 32))).setTokens(TensorCodec.encodeTokens(new long[][]{ctx("red trouser")}))
                .setGuidanceScale(3).setEta(0).addAttentionPositions(1);
    }

    static GuidanceRequest.Builder validGuidance() {
        return GuidanceRequest.newBuilder().setTimestep(961).setX(TensorCodec.encode(randn(1, 1, 3, 32, 32)))
                .setTokens(TensorCodec.encodeTokens(new long[][]{ctx("red trouser")})).setWeights(TensorCodec.encode(randn(2, 1, 4, 8, 8)));
    }

    @Test
    void describesTheModelWithTheChecksumOfItsFile() throws Exception {
        byte[] file = Files.readAllBytes(NodeProcess.fixture().resolve("model.pt"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        assertEquals(sha, card.sha256());
        assertEquals(sha, node.sha256);
        assertEquals("fixture", card.name());
        assertEquals("torchscript", card.backend());
        assertArrayEquals(new int[]{3, 32, 32}, card.latentShape());
        assertEquals(MAX_BATCH, card.maxBatch());
        assertTrue(card.capabilities().contains("utility_grad"));
    }

    @Test
    void healthAndReflectionAreOn() throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort).usePlaintext().build();
        try {
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(ch)
                    .check(HealthCheckRequest.newBuilder().setService("dnd.v1.ModelNode").build()).getStatus());
            CompletableFuture<ServerReflectionResponse> listed = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(ch).serverReflectionInfo(new StreamObserver<>() {
                public void onNext(ServerReflectionResponse r) { listed.complete(r); }
                public void onError(Throwable t) { listed.completeExceptionally(t); }
                public void onCompleted() {}
            });
            req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
            List<String> services = new ArrayList<>();
            listed.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
            req.onCompleted();
            assertTrue(services.contains("dnd.v1.ModelNode"), services.toString());
            assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
        } finally {
            ch.shutdownNow();
        }
    }

    /** A reproducible step from another process gives the same bits as this JVM's own DJL run of the same model. */
    @Test
    void aStepEqualsTheSameModelRunHereBitForBit() throws Exception {
        FloatTensor x = randn(11, 2, 3, 32, 32);
        long[][] cond = {ctx("red trouser"), ctx("bag")};
        StepReply r;
        try (DenoiseSession job = client.open("step-job")) {
            r = job.step(StepRequest.newBuilder().setStepIndex(5).setTimestep(501).setPrevTimestep(461).setX(TensorCodec.encode(x))
                    .setTokens(TensorCodec.encodeTokens(cond)).setGuidanceScale(3).setEta(0).addAttentionPositions(1)
                    .setReproducible(true).build()).get(60, TimeUnit.SECONDS);
        }
        assertEquals(2, r.getBatchSize());
        try (TorchScriptDenoiser local = TorchScriptDenoiser.load(NodeProcess.fixture(), MAX_BATCH, 0)) {
            FloatTensor rows = FloatTensor.stack(List.of(x.item(0), x.item(1), x.item(0), x.item(1)));
            Denoiser.Forward f = local.forward(rows, new long[]{501, 501, 501, 501}, new long[][]{cond[0], cond[1], card.nullContext(), card.nullContext()});
            FloatTensor epsC = FloatTensor.stack(List.of(f.eps().item(0), f.eps().item(1)));
            FloatTensor epsU = FloatTensor.stack(List.of(f.eps().item(2), f.eps().item(3)));
            assertEquals(epsC, TensorCodec.decodeFloat(r.getEpsCond(), "eps_cond"));
            assertEquals(epsU, TensorCodec.decodeFloat(r.getEpsUncond(), "eps_uncond"));
            float[] cfg = new float[epsC.size()];
            for (int i = 0; i < cfg.length; i++) cfg[i] = (float) (epsU.data()[i] + 3.0 * ((double) epsC.data()[i] - epsU.data()[i]));
            assertArrayEquals(NoiseSchedule.of(card.schedule()).ddimMean(x.data(), cfg, 501, 461, 0), TensorCodec.decodeFloat(r.getMean(), "mean").data());
            FloatTensor maps = TensorCodec.decodeFloat(r.getAttention(), "attention");
            assertArrayEquals(new int[]{2, 1, 8, 8}, maps.shape());
            for (int b = 0; b < 2; b++)
                for (int p = 0; p < 64; p++) assertEquals(f.attention().data()[(b * 4 + 1) * 64 + p], maps.data()[b * 64 + p]);
        }
    }

    // ------------------------------------------------------------------------------ bad input

    record Bad(String what, DenoiseRequest request, Status.Code code, String field) {}

    static DenoiseRequest step(UnaryOperator<StepRequest.Builder> f) {
        return DenoiseRequest.newBuilder().setJobId("bad-job").setStep(f.apply(validStep())).build();
    }

    static DenoiseRequest guidance(UnaryOperator<GuidanceRequest.Builder> f) {
        return DenoiseRequest.newBuilder().setJobId("bad-job").setGuidance(f.apply(validGuidance())).build();
    }

    static Tensor floats(long[] shape, int elements) {
        return Tensor.newBuilder().setDtype(DType.FLOAT32).addAllShape(java.util.Arrays.stream(shape).boxed().toList())
                .setData(ByteString.copyFrom(new byte[elements * 4])).build();
    }

    static Tensor withValue(Tensor t, int index, float v) {
        byte[] b = t.getData().toByteArray();
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(index * 4, v);
        return t.toBuilder().setData(ByteString.copyFrom(b)).build();
    }

    static List<Bad> badRequests() {
        Status.Code inv = Status.Code.INVALID_ARGUMENT;
        Tensor x = validStep().getX();
        Tensor tokens = validStep().getTokens();
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("no job id", step(s -> s).toBuilder().setJobId("").build(), inv, "job_id"));
        bad.add(new Bad("neither step nor guidance", DenoiseRequest.newBuilder().setJobId("bad-job").build(), inv, "kind"));
        bad.add(new Bad("missing x", step(StepRequest.Builder::clearX), inv, "step.x"));
        bad.add(new Bad("x as INT64", step(s -> s.setX(x.toBuilder().setDtype(DType.INT64))), inv, "step.x.dtype"));
        bad.add(new Bad("x without dtype", step(s -> s.setX(x.toBuilder().setDtype(DType.DTYPE_UNSPECIFIED))), inv, "step.x.dtype"));
        bad.add(new Bad("x of rank 3", step(s -> s.setX(floats(new long[]{3, 32, 32}, 3072))), inv, "step.x.shape"));
        bad.add(new Bad("x with 4 channels", step(s -> s.setX(floats(new long[]{1, 4, 32, 32}, 4096))), inv, "step.x.shape"));
        bad.add(new Bad("x of 16x16", step(s -> s.setX(floats(new long[]{1, 3, 16, 16}, 768))), inv, "step.x.shape"));
        bad.add(new Bad("empty batch", step(s -> s.setX(floats(new long[]{0, 3, 32, 32}, 0))), inv, "step.x.shape"));
        bad.add(new Bad("negative dimension", step(s -> s.setX(floats(new long[]{1, -3, 32, 32}, 0))), inv, "step.x.shape"));
        bad.add(new Bad("batch above --max-batch", step(s -> s.setX(floats(new long[]{MAX_BATCH + 1, 3, 32, 32}, (MAX_BATCH + 1) * 3072))),
                Status.Code.RESOURCE_EXHAUSTED, "step.x"));
        bad.add(new Bad("truncated x bytes", step(s -> s.setX(x.toBuilder().setData(x.getData().substring(0, 1000)))), inv, "step.x.data"));
        bad.add(new Bad("NaN in x", step(s -> s.setX(withValue(x, 17, Float.NaN))), inv, "step.x.data[17]"));
        bad.add(new Bad("infinity in x", step(s -> s.setX(withValue(x, 3071, Float.NEGATIVE_INFINITY))), inv, "step.x.data[3071]"));
        bad.add(new Bad("missing tokens", step(StepRequest.Builder::clearTokens), inv, "step.tokens"));
        bad.add(new Bad("tokens as FLOAT32", step(s -> s.setTokens(tokens.toBuilder().setDtype(DType.FLOAT32))), inv, "step.tokens.dtype"));
        bad.add(new Bad("context of length 5", step(s -> s.setTokens(TensorCodec.encodeTokens(new long[][]{{0, 3, 5, 2, 2}}))), inv, "step.tokens.shape"));
        bad.add(new Bad("tokens for 2 latents", step(s -> s.setTokens(TensorCodec.encodeTokens(new long[][]{ctx("bag"), ctx("bag")}))), inv, "step.tokens.shape"));
        bad.add(new Bad("truncated token bytes", step(s -> s.setTokens(tokens.toBuilder().setData(tokens.getData().substring(0, 31)))), inv, "step.tokens.data"));
        bad.add(new Bad("unknown token id", step(s -> s.setTokens(TensorCodec.encodeTokens(new long[][]{{0, 99, 2, 2}}))), inv, "step.tokens[0][1]"));
        bad.add(new Bad("negative token id", step(s -> s.setTokens(TensorCodec.encodeTokens(new long[][]{{0, 3, -5, 2}}))), inv, "step.tokens[0][2]"));
        bad.add(new Bad("unknown null token", step(s -> s.setNullTokens(TensorCodec.encodeTokens(new long[][]{{0, 1, 2, 1000}}))), inv, "step.null_tokens[0][3]"));
        bad.add(new Bad("timestep beyond the schedule", step(s -> s.setTimestep(1000)), inv, "step.timestep"));
        bad.add(new Bad("negative timestep", step(s -> s.setTimestep(-1).setPrevTimestep(-2)), inv, "step.timestep"));
        bad.add(new Bad("previous timestep not earlier", step(s -> s.setPrevTimestep(961)), inv, "step.prev_timestep"));
        bad.add(new Bad("NaN guidance scale", step(s -> s.setGuidanceScale(Double.NaN)), inv, "step.guidance_scale"));
        bad.add(new Bad("eta above 1", step(s -> s.setEta(2)), inv, "step.eta"));
        bad.add(new Bad("attention position past the context", step(s -> s.addAttentionPositions(4)), inv, "step.attention_positions[1]"));
        bad.add(new Bad("negative attention position", step(s -> s.clearAttentionPositions().addAttentionPositions(-1)), inv, "step.attention_positions[0]"));
        bad.add(new Bad("guidance without weights", guidance(GuidanceRequest.Builder::clearWeights), inv, "guidance.weights"));
        bad.add(new Bad("weights of the wrong shape", guidance(g -> g.setWeights(floats(new long[]{1, 4, 4, 4}, 64))), inv, "guidance.weights.shape"));
        bad.add(new Bad("NaN weight", guidance(g -> g.setWeights(withValue(validGuidance().getWeights(), 5, Float.NaN))), inv, "guidance.weights.data[5]"));
        bad.add(new Bad("guidance x truncated", guidance(g -> g.setX(x.toBuilder().setData(x.getData().substring(4)))), inv, "guidance.x.data"));
        bad.add(new Bad("guidance timestep beyond the schedule", guidance(g -> g.setTimestep(5000)), inv, "guidance.timestep"));
        bad.add(new Bad("guidance batch above --max-batch", guidance(g -> g.setX(floats(new long[]{MAX_BATCH + 2, 3, 32, 32}, (MAX_BATCH + 2) * 3072))),
                Status.Code.RESOURCE_EXHAUSTED, "guidance.x"));
        return bad;
    }

    @Test
    void everyMalformedRequestGetsItsStatusNamingTheFieldAndTheStreamKeepsServing() throws Exception {
        List<Bad> bad = badRequests();
        assertTrue(bad.size() >= 20);
        long rejectedBefore = client.stats().getRejectedRequests();
        try (DenoiseSession job = client.open("bad-job")) {
            long id = 1000;
            for (Bad b : bad) {
                DenoiseReply reply = job.sendAs(b.request().toBuilder().setRequestId(++id).build()).get(30, TimeUnit.SECONDS);
                assertTrue(reply.hasError(), b.what() + ": expected an error, got " + reply.getKindCase());
                assertEquals(id, reply.getRequestId(), b.what());
                assertEquals(b.code().value(), reply.getError().getCode(), b.what() + ": " + reply.getError().getMessage());
                assertTrue(reply.getError().getMessage().contains(b.field()),
                        b.what() + ": message should name " + b.field() + ": " + reply.getError().getMessage());
            }
            // the same stream still serves valid requests
            StepReply ok = job.step(validStep().build()).get(60, TimeUnit.SECONDS);
            assertArrayEquals(new int[]{1, 3, 32, 32}, TensorCodec.decodeFloat(ok.getMean(), "mean").shape());
            assertEquals(1, job.guidance(validGuidance().build()).get(60, TimeUnit.SECONDS).getUtility().getShape(0));
        }
        assertEquals(rejectedBefore + bad.size(), client.stats().getRejectedRequests());
    }

    @Test
    void anOversizeMessageFailsOnlyItsOwnStream() throws Exception {
        try (DenoiseSession bystander = client.open("bystander"); DenoiseSession victim = client.open("oversize")) {
            bystander.step(validStep().build()).get(60, TimeUnit.SECONDS);
            // 3 MiB of x: beyond the limit the node derives from the card and --max-batch
            Tensor huge = floats(new long[]{256, 3, 32, 32}, 256 * 3072);
            var f = victim.step(validStep().setX(huge).build());
            var e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
            StatusRuntimeException sre = assertInstanceOf(StatusRuntimeException.class, e.getCause());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, sre.getStatus().getCode());
            assertNotNull(bystander.step(validStep().build()).get(60, TimeUnit.SECONDS).getMean());
        }
        try (DenoiseSession fresh = client.open("after-oversize")) {
            assertNotNull(fresh.step(validStep().build()).get(60, TimeUnit.SECONDS).getMean());
        }
    }
}
