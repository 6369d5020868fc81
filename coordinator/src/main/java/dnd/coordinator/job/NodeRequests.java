package dnd.coordinator.job;

import dnd.common.compose.Composition;
import dnd.common.compose.PlayerSpec;
import dnd.common.compose.SamplerConfig;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.coordinator.grpc.Tensors;
import dnd.proto.DenoiseRequest;
import dnd.proto.GuidanceReply;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import dnd.proto.Tensor;

/**
 * Translates between the composition's per-player requests and the ModelNode wire messages.
 * Requests are marked reproducible unless the job allows batching, so by default a node never
 * merges them into a cross-job batch: a step retried on another replica gives the same bits.
 */
final class NodeRequests {

    private NodeRequests() {}

    /** The wire form of a request's latent [C,H,W] as the batch of one [1,C,H,W] the node expects. */
    static Tensor latent(FloatTensor x) { return Tensors.of(batchOfOne(x)); }

    /** {@code x} is {@link #latent} of the request's latent: players that share one latent share its encoding. */
    static DenoiseRequest step(String jobId, long requestId, int stepIndex, PlayerSpec player,
                               Composition.PlayerRequest r, Tensor x, SamplerConfig cfg, boolean reproducible) {
        ModelCard card = player.card();
        StepRequest.Builder b = StepRequest.newBuilder()
                .setStepIndex(stepIndex)
                .setTimestep(r.t())
                .setPrevTimestep(r.s() < 0 ? -1 : r.s())
                .setX(x)
                .setTokens(Tensors.ofLongs(new long[][] {player.context()}))
                .setNullTokens(Tensors.ofLongs(new long[][] {card.nullContext()}))
                .setGuidanceScale(cfg.guidanceScale())
                .setEta(cfg.eta())
                .setReproducible(reproducible)
                .setSkipMean(true); // the composition blends eps itself
        if (r.needsAttention()) b.addAttentionPositions(ModelCard.ITEM_POSITION);
        return DenoiseRequest.newBuilder().setJobId(jobId).setRequestId(requestId).setStep(b).build();
    }

    static Composition.PlayerOutput output(StepReply reply, ModelCard card, boolean needsAttention) {
        int[] latent = card.latentShape();
        FloatTensor cond = shaped(reply.getEpsCond(), "eps_cond", latent);
        FloatTensor uncond = shaped(reply.getEpsUncond(), "eps_uncond", latent);
        FloatTensor attention = needsAttention ? shaped(reply.getAttention(), "attention", card.attentionShape()) : null;
        return new Composition.PlayerOutput(cond, uncond, attention);
    }

    /** A reply's tensor read and reshaped; the error names the field. */
    private static FloatTensor shaped(Tensor t, String field, int[] shape) {
        FloatTensor f = Tensors.toFloat(t, field);
        try {
            return f.reshape(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    static DenoiseRequest guidance(String jobId, long requestId, int stepIndex, PlayerSpec player, Composition.GuidanceRequest g,
                                   Tensor x, boolean reproducible) {
        ModelCard card = player.card();
        int[] att = card.attentionShape();
        int plane = att[0] * att[1];
        if (g.weights().size() != plane)
            throw new IllegalArgumentException("guidance weights of player " + player.label() + " must be [h,w] = " + att[0] + "x" + att[1]);
        // The cotangent lives on the item token's map only; every other token position gets zero.
        float[] w = new float[card.contextLength() * plane];
        System.arraycopy(g.weights().data(), 0, w, ModelCard.ITEM_POSITION * plane, plane);
        GuidanceRequest.Builder b = GuidanceRequest.newBuilder()
                .setStepIndex(stepIndex)
                .setTimestep(g.t())
                .setX(x)
                .setTokens(Tensors.ofLongs(new long[][] {player.context()}))
                .setWeights(Tensors.of(new FloatTensor(new int[] {1, card.contextLength(), att[0], att[1]}, w)))
                .setReproducible(reproducible);
        return DenoiseRequest.newBuilder().setJobId(jobId).setRequestId(requestId).setGuidance(b).build();
    }

    static FloatTensor gradient(GuidanceReply reply, ModelCard card) {
        return shaped(reply.getGrad(), "grad", card.latentShape());
    }

    private static FloatTensor batchOfOne(FloatTensor x) {
        int[] s = new int[x.rank() + 1];
        s[0] = 1;
        System.arraycopy(x.shape(), 0, s, 1, x.rank());
        return x.reshape(s);
    }
}
