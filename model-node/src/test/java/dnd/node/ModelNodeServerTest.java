package dnd.node;

import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import dnd.node.backend.SyntheticDenoiser;
import dnd.node.backend.SyntheticSpec;
import dnd.node.client.DenoiseSession;
import dnd.node.client.ModelNodeClient;
import dnd.node.client.NodeRequestException;
import dnd.node.client.TensorCodec;
import dnd.proto.GuidanceReply;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The gRPC server over real loopback sockets (no cluster), with the synthetic backend. */
class ModelNodeServerTest {

    static final String SPEC = "shape=2x8x8,attention=4x4,context=4,cost=1ms";

    static NodeConfig config(int maxBatch, long maxWaitMicros) {
        return NodeConfig.synthetic(SPEC).withCluster(false, 0, List.of()).withBatching(maxBatch, maxWaitMicros);
    }

    static StepRequest stepRequest(ModelCard card, FloatTensor x, long t, String item, boolean reproducible) {
        int b = x.dim(0);
        long[][] tok = new long[b][];
        for (int i = 0; i < b; i++) tok[i] = card.contextFor(new Concept(item, Optional.of("red")));
        return StepRequest.newBuilder().setStepIndex(3).setTimestep(t).setPrevTimestep(t - 40).setX(TensorCodec.encode(x))
                .setTokens(TensorCodec.encodeTokens(tok)).setGuidanceScale(3.0).setEta(0.5)
                .addAttentionPositions(1).addAttentionPositions(2).setReproducible(reproducible).build();
    }

    @Test
    void stepReplyIsTheForwardPassCfgMeanAndRequestedMaps() throws Exception {
        SyntheticDenoiser reference = new SyntheticDenoiser(SyntheticSpec.parse(SPEC), 16);
        try (ModelNodeServer node = ModelNodeServer.start(config(16, 0));
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port());
             DenoiseSession job = client.open("job-1")) {
            ModelCard card = client.describe();
            assertEquals(node.card().sha256(), card.sha256());
            assertTrue(card.synthetic());
            assertEquals("synthetic", card.backend());
            FloatTensor x = BatchingDeterminismTest.randn(7, 2, 2, 8, 8);
            StepReply r = job.step(stepRequest(card, x, 501, "circle", false)).get(10, TimeUnit.SECONDS);

            long[][] cond = {card.contextFor(new Concept("circle", Optional.of("red"))), card.contextFor(new Concept("circle", Optional.of("red")))};
            Denoiser.Forward fc = reference.forward(x, new long[]{501, 501}, cond);
            Denoiser.Forward fu = reference.forward(x, new long[]{501, 501}, new long[][]{card.nullContext(), card.nullContext()});
            assertEquals(fc.eps(), TensorCodec.decodeFloat(r.getEpsCond(), "eps_cond"));
            assertEquals(fu.eps(), TensorCodec.decodeFloat(r.getEpsUncond(), "eps_uncond"));
            float[] cfg = new float[x.size()];
            for (int i = 0; i < cfg.length; i++) cfg[i] = (float) (fu.eps().data()[i] + 3.0 * ((double) fc.eps().data()[i] - fu.eps().data()[i]));
            float[] mean = NoiseSchedule.of(card.schedule()).ddimMean(x.data(), cfg, 501, 461, 0.5);
            assertArrayEquals(mean, TensorCodec.decodeFloat(r.getMean(), "mean").data());
            StepReply lean = job.step(stepRequest(card, x, 501, "circle", false).toBuilder().setSkipMean(true).build()).get(10, TimeUnit.SECONDS);
            assertFalse(lean.hasMean(), "skip_mean leaves the mean out");
            assertEquals(r.getEpsCond(), lean.getEpsCond());
            FloatTensor maps = TensorCodec.decodeFloat(r.getAttention(), "attention");
            assertArrayEquals(new int[]{2, 2, 4, 4}, maps.shape());
            for (int b = 0; b < 2; b++)
                for (int k = 0; k < 2; k++)
                    for (int p = 0; p < 16; p++)
                        assertEquals(fc.attention().data()[(b * 4 + 1 + k) * 16 + p], maps.data()[(b * 2 + k) * 16 + p]);
            assertEquals(2, r.getBatchSize());

            GuidanceReply g = job.guidance(GuidanceRequest.newBuilder().setStepIndex(3).setTimestep(501).setX(TensorCodec.encode(x))
                    .setTokens(TensorCodec.encodeTokens(cond)).setWeights(TensorCodec.encode(BatchingDeterminismTest.randn(8, 2, 4, 4, 4))).build())
                    .get(10, TimeUnit.SECONDS);
            Denoiser.UtilityGradient ug = reference.utilityGrad(x, new long[]{501, 501}, cond, BatchingDeterminismTest.randn(8, 2, 4, 4, 4));
            assertArrayEquals(ug.utility(), TensorCodec.decodeFloat(g.getUtility(), "utility").data());
            assertEquals(ug.grad(), TensorCodec.decodeFloat(g.getGrad(), "grad"));

            var stats = client.stats();
            assertEquals(2, stats.getStepRequests(), "the step, then it again without its mean");
            assertEquals(1, stats.getGuidanceRequests());
            assertEquals(1, stats.getOpenStreams());
        }
    }

    @Test
    void concurrentJobsMergeIntoOneBatchAndReproducibleRequestsRunAlone() throws Exception {
        // max wait is long and max batch is 4 latents: four single-latent jobs fill exactly one batch
        try (ModelNodeServer node = ModelNodeServer.start(config(4, 5_000_000));
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port())) {
            ModelCard card = client.describe();
            List<DenoiseSession> jobs = new ArrayList<>();
            List<CompletableFuture<StepReply>> replies = new ArrayList<>();
            List<FloatTensor> xs = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                DenoiseSession s = client.open("job-" + j);
                jobs.add(s);
                FloatTensor x = BatchingDeterminismTest.randn(100 + j, 1, 2, 8, 8);
                xs.add(x);
                replies.add(s.step(stepRequest(card, x, 900 - 200 * j, j % 2 == 0 ? "star" : "square", false)));
            }
            for (CompletableFuture<StepReply> f : replies) assertEquals(4, f.get(30, TimeUnit.SECONDS).getBatchSize());
            var stats = client.stats();
            assertEquals(1, stats.getForwardPasses());
            assertEquals(1L, stats.getBatchHistogramOrThrow(4));

            // the same requests, each alone (reproducible), give the same bits (the synthetic model is batch-invariant)
            for (int j = 0; j < 4; j++) {
                StepReply alone = jobs.get(j).step(stepRequest(card, xs.get(j), 900 - 200 * j, j % 2 == 0 ? "star" : "square", true))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(1, alone.getBatchSize());
                assertEquals(replies.get(j).get().getMean(), alone.getMean());
            }
            jobs.forEach(DenoiseSession::close);
        }
    }

    @Test
    void badRequestIsAnsweredOnTheStreamWhichKeepsServing() throws Exception {
        try (ModelNodeServer node = ModelNodeServer.start(config(2, 0));
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port());
             DenoiseSession job = client.open("job-bad")) {
            ModelCard card = client.describe();
            var bad = job.step(stepRequest(card, BatchingDeterminismTest.randn(1, 3, 2, 8, 8), 501, "star", false));
            var e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            NodeRequestException nre = assertInstanceOf(NodeRequestException.class, e.getCause());
            assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, nre.code());
            assertTrue(nre.detail().contains("step.x"), nre.detail());
            StepReply ok = job.step(stepRequest(card, BatchingDeterminismTest.randn(1, 1, 2, 8, 8), 501, "star", false)).get(10, TimeUnit.SECONDS);
            assertEquals(1, ok.getBatchSize());
            assertEquals(1, client.stats().getRejectedRequests());
        }
    }

    @Test
    void healthIsServingAndShutdownEndsOpenStreams() throws Exception {
        ModelNodeServer node = ModelNodeServer.start(NodeConfig.synthetic("shape=2x8x8,attention=4x4,context=4,cost=400ms")
                .withCluster(false, 0, List.of()).withBatching(2, 0));
        var channel = NettyChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
        try (ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port())) {
            var health = HealthGrpc.newBlockingStub(channel);
            assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder().setService("dnd.v1.ModelNode").build()).getStatus());
            DenoiseSession job = client.open("job-open");
            ModelCard card = client.describe();
            // a slow batch in flight while the node closes: it is finished, then the stream ends
            CompletableFuture<StepReply> inFlight = job.step(stepRequest(card, BatchingDeterminismTest.randn(1, 1, 2, 8, 8), 501, "star", false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // safety net, not a speed check
            while (node.stats().getStepRequests() < 1) {
                assertTrue(System.nanoTime() < deadline, "the node never accepted the request");
                Thread.sleep(5);
            }
            node.close();
            assertEquals(1, inFlight.get(10, TimeUnit.SECONDS).getBatchSize(), "the in-flight request is finished, not dropped");
            job.closed().get(10, TimeUnit.SECONDS);
            var late = job.step(stepRequest(card, BatchingDeterminismTest.randn(1, 1, 2, 8, 8), 501, "star", false));
            assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertThrows(StatusRuntimeException.class, client::describe);
        } finally {
            channel.shutdownNow();
        }
    }

    /** --fixed-batch on the TorchScript fixture: reproducible requests of four jobs share padded calls, and their bits do not depend on their mates. */
    @Test
    void fixedBatchMergesReproducibleRequestsWithoutChangingTheirBits() throws Exception {
        NodeConfig cfg = NodeConfig.model(Fixtures.fixtureModel()).withCluster(false, 0, List.of()).withBatching(4, 5_000_000).withFixedBatch(true);
        try (ModelNodeServer node = ModelNodeServer.start(cfg);
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(node.fixedBatchActive(), "libtorch here is not batch-invariant at a fixed shape");
            ModelCard card = client.describe();
            List<CompletableFuture<StepReply>> merged = new ArrayList<>();
            List<StepRequest> requests = new ArrayList<>();
            List<DenoiseSession> jobs = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                requests.add(stepRequest(card, BatchingDeterminismTest.randn(200 + j, 1, 3, 32, 32), 961 - 240 * j, j % 2 == 0 ? "trouser" : "bag", true));
                jobs.add(client.open("fixed-" + j));
                merged.add(jobs.get(j).step(requests.get(j)));
            }
            for (CompletableFuture<StepReply> f : merged) assertEquals(4, f.get(60, TimeUnit.SECONDS).getBatchSize());
            for (int j = 0; j < 2; j++) {
                // the same request again, now first in the call and beside a 3-latent request of another job
                StepReply again;
                try (DenoiseSession solo = client.open("solo-" + j)) {
                    var f = solo.step(requests.get(j));
                    var pad = jobs.get(j).step(stepRequest(card, BatchingDeterminismTest.randn(300 + j, 3, 3, 32, 32), 500, "bag", true));
                    again = f.get(60, TimeUnit.SECONDS);
                    pad.get(60, TimeUnit.SECONDS);
                }
                assertEquals(merged.get(j).get().getEpsCond(), again.getEpsCond(), "job " + j);
                assertEquals(merged.get(j).get().getMean(), again.getMean(), "job " + j);
                assertEquals(merged.get(j).get().getAttention(), again.getAttention(), "job " + j);
            }
            jobs.forEach(DenoiseSession::close);
        }
    }
}
