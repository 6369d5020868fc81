package dnd.coordinator.job;

import static org.junit.jupiter.api.Assertions.*;

import dnd.common.compose.Composition;
import dnd.common.compose.Compositions;
import dnd.common.compose.PlayerSpec;
import dnd.common.compose.SamplerConfig;
import dnd.common.gmm.GaussianMixtureDenoiser;
import dnd.common.gmm.GmmSpec;
import dnd.common.model.Concept;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.coordinator.grpc.Tensors;
import dnd.proto.DenoiseReply;
import dnd.proto.ErrorReply;
import dnd.proto.StepReply;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a node's reply is classified off the actor: usable, malformed (fail over), invalid (fail the job), or the node's own error. */
class NodeAnswerTest {

    private static final ModelCard CARD = new GaussianMixtureDenoiser(GmmSpec.withShape("toy", 8, 8, 4, 4)).card();
    private final List<PlayerSpec> players = List.of(player("left"), player("right"));
    private final Composition composition = Compositions.create("dnd", Map.of(), players, new SamplerConfig(5, 1, 2.0, 0));
    private final Composition.PlayerRequest request = composition.stepRequests().get(1);

    private static PlayerSpec player(String concept) { return PlayerSpec.of(CARD, Concept.parse(concept, CARD.colours())); }

    @Test
    void aGoodReplyIsPreparedForItsRequest() {
        NodeAnswer a = NodeAnswer.step(reply(latent(0.1f), latent(0.2f), attention()), CARD, composition, request);
        assertNull(a.malformed());
        assertNull(a.refused());
        Composition.PreparedOutput p = assertInstanceOf(Composition.PreparedOutput.class, a.value());
        assertSame(request, p.request());
    }

    @Test
    void aTensorOfTheWrongSizeIsMalformedSoTheStepFailsOver() {
        float[] short_ = Arrays.copyOf(latent(0.1f).data(), CARD.latentSize() - 1);
        NodeAnswer a = NodeAnswer.step(reply(new FloatTensor(new int[]{short_.length}, short_), latent(0.2f), attention()), CARD, composition, request);
        assertNull(a.value());
        assertNull(a.refused());
        assertTrue(a.malformed().contains("eps_cond"), a.malformed());
    }

    @Test
    void aNonFiniteOutputIsInvalidNamingThePlayerSoTheJobFails() {
        float[] eps = latent(0.1f).data();
        eps[5] = Float.POSITIVE_INFINITY;
        NodeAnswer a = NodeAnswer.step(reply(new FloatTensor(CARD.latentShape(), eps), latent(0.2f), attention()), CARD, composition, request);
        assertNull(a.value());
        assertNull(a.malformed());
        IllegalArgumentException invalid = assertInstanceOf(IllegalArgumentException.class, a.refused(), "INVALID_ARGUMENT: every replica would give it");
        assertTrue(invalid.getMessage().contains("player 1") && invalid.getMessage().contains("non-finite"), invalid.getMessage());
    }

    @Test
    void aFailureOfTheCompositionItselfIsABugNotTheReplicasFault() {
        Composition broken = new FailingPrepare(composition, new IllegalStateException("a bug"));
        NodeAnswer a = NodeAnswer.step(reply(latent(0.1f), latent(0.2f), attention()), CARD, broken, request);
        assertNull(a.value());
        assertNull(a.malformed(), "failing over would hit the same bug on every replica");
        IllegalStateException bug = assertInstanceOf(IllegalStateException.class, a.refused(), "a bug, not an invalid output");
        assertEquals("a bug", bug.getMessage());
    }

    @Test
    void theNodesOwnErrorIsPassedOnUntouched() {
        DenoiseReply error = DenoiseReply.newBuilder().setRequestId(7).setError(ErrorReply.newBuilder().setCode(14).setMessage("busy")).build();
        NodeAnswer a = NodeAnswer.step(error, CARD, composition, request);
        assertSame(error, a.reply());
        assertNull(a.value());
        assertNull(a.malformed());
        assertNull(a.refused());
    }

    /** The real composition, except that prepare fails as a bug in it would. */
    private record FailingPrepare(Composition inner, RuntimeException failure) implements Composition {
        @Override public Composition.PreparedOutput prepare(Composition.PlayerRequest r, Composition.PlayerOutput o) { throw failure; }
        @Override public boolean done() { return inner.done(); }
        @Override public int stepIndex() { return inner.stepIndex(); }
        @Override public int totalSteps() { return inner.totalSteps(); }
        @Override public List<Composition.PlayerRequest> stepRequests() { return inner.stepRequests(); }
        @Override public List<Composition.GuidanceRequest> acceptStep(List<Composition.PlayerOutput> o) { return inner.acceptStep(o); }
        @Override public List<Composition.GuidanceRequest> acceptPrepared(List<Composition.PreparedOutput> o) { return inner.acceptPrepared(o); }
        @Override public dnd.common.compose.StepReport acceptGuidance(List<FloatTensor> g) { return inner.acceptGuidance(g); }
        @Override public FloatTensor result() { return inner.result(); }
    }

    private FloatTensor latent(float v) {
        float[] x = new float[CARD.latentSize()];
        Arrays.fill(x, v);
        return new FloatTensor(CARD.latentShape(), x);
    }

    private FloatTensor attention() {
        int[] as = CARD.attentionShape();
        float[] a = new float[as[0] * as[1]];
        Arrays.fill(a, 1f / a.length);
        return new FloatTensor(new int[]{1, 1, as[0], as[1]}, a);
    }

    private static DenoiseReply reply(FloatTensor cond, FloatTensor uncond, FloatTensor attention) {
        StepReply step = StepReply.newBuilder().setEpsCond(Tensors.of(cond)).setEpsUncond(Tensors.of(uncond))
                .setAttention(Tensors.of(attention)).build();
        return DenoiseReply.newBuilder().setRequestId(7).setStep(step).build();
    }
}
