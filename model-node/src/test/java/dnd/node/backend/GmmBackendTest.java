package dnd.node.backend;

import dnd.common.gmm.GaussianMixtureDenoiser;
import dnd.common.gmm.GmmSpec;
import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.node.NodeConfig;
import dnd.node.ModelNodeServer;
import dnd.node.client.DenoiseSession;
import dnd.node.client.ModelNodeClient;
import dnd.node.client.TensorCodec;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class GmmBackendTest {

    @Test
    void specSelectsTheWorldAndTheChecksumIsStable() {
        ModelCard c = GmmBackend.open("name=toy,shape=8x8,attention=4x4", 5).card();
        assertEquals("toy", c.name());
        assertArrayEquals(new int[]{3, 8, 8}, c.latentShape());
        assertArrayEquals(new int[]{4, 4}, c.attentionShape());
        assertEquals("gaussian-mixture", c.backend());
        assertEquals(5, c.maxBatch());
        assertEquals(c.sha256(), GmmBackend.open("name=toy,shape=8x8,attention=4x4", 5).card().sha256());
        assertNotEquals(c.sha256(), GmmBackend.open("name=toy,shape=8x8,attention=2x2", 5).card().sha256());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GmmBackend.open("shape=8", 5)).getMessage().contains("shape"));
    }

    /** The served step and guidance equal the analytic denoiser's own exact outputs, bit for bit. */
    @Test
    void servedOverGrpcItGivesTheExactAnalyticOutputs() throws Exception {
        GaussianMixtureDenoiser exact = new GaussianMixtureDenoiser(GmmSpec.withShape("gmm", 8, 8, 4, 4));
        try (ModelNodeServer node = ModelNodeServer.start(NodeConfig.gmm("shape=8x8,attention=4x4").withCluster(false, 0, List.of()).withBatching(4, 0));
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.port());
             DenoiseSession job = client.open("gmm-job")) {
            ModelCard card = client.describe();
            FloatTensor x = FloatTensor.zeros(1, 3, 8, 8);
            for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.cos(0.37 * i);
            long[] ctx = card.contextFor(Concept.parse("red left", card.colours()));
            var r = job.step(StepRequest.newBuilder().setTimestep(600).setPrevTimestep(560).setX(TensorCodec.encode(x))
                    .setTokens(TensorCodec.encodeTokens(new long[][]{ctx})).setGuidanceScale(1).addAttentionPositions(1).build()).get(10, TimeUnit.SECONDS);
            Denoiser.Forward f = exact.forward(x, new long[]{600}, new long[][]{ctx});
            assertEquals(f.eps(), TensorCodec.decodeFloat(r.getEpsCond(), "eps"));
            FloatTensor w = FloatTensor.zeros(1, 4, 4, 4);
            for (int i = 16; i < 32; i++) w.data()[i] = i % 3 - 1;
            var g = job.guidance(GuidanceRequest.newBuilder().setTimestep(600).setX(TensorCodec.encode(x))
                    .setTokens(TensorCodec.encodeTokens(new long[][]{ctx})).setWeights(TensorCodec.encode(w)).build()).get(10, TimeUnit.SECONDS);
            assertEquals(exact.utilityGrad(x, new long[]{600}, new long[][]{ctx}, w).grad(), TensorCodec.decodeFloat(g.getGrad(), "grad"));
        }
    }
}
