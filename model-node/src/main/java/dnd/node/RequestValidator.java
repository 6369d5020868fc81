package dnd.node;

import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.proto.DType;
import dnd.proto.DenoiseRequest;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepRequest;
import dnd.proto.Tensor;
import dnd.node.client.TensorCodec;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dnd.node.RequestException.exhausted;
import static dnd.node.RequestException.invalid;

/**
 * Checks every request against the model card and turns it into domain types. Errors are
 * INVALID_ARGUMENT, or RESOURCE_EXHAUSTED for limits, with a message that names the field as it is
 * spelled in the proto (e.g. {@code step.tokens[1][2]}).
 */
public final class RequestValidator {

    private final ModelCard card;
    private final int maxBatch;
    private final Set<Long> vocabulary;

    public RequestValidator(ModelCard card, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        this.card = card;
        this.maxBatch = maxBatch;
        this.vocabulary = new HashSet<>(card.tokens().values());
    }

    public NodeWork validate(DenoiseRequest r) throws RequestException {
        if (r.getJobId().isBlank()) throw invalid("job_id is required");
        return switch (r.getKindCase()) {
            case STEP -> step(r.getStep());
            case GUIDANCE -> guidance(r.getGuidance());
            case KIND_NOT_SET -> throw invalid("kind: the request must carry a step or a guidance request");
        };
    }

    private NodeWork.Step step(StepRequest s) throws RequestException {
        requireCapability("eps", "step");
        long t = timestep(s.getTimestep(), "step.timestep");
        long prev = s.getPrevTimestep();
        if (prev >= t) throw invalid("step.prev_timestep " + prev + " must be below step.timestep " + t + " (negative: final step)");
        FloatTensor x = latent(s.hasX() ? s.getX() : null, "step.x");
        int b = x.dim(0);
        long[][] tokens = tokens(s.hasTokens() ? s.getTokens() : null, b, "step.tokens");
        long[][] nulls;
        if (!s.hasNullTokens() || (s.getNullTokens().getShapeCount() == 0 && s.getNullTokens().getData().isEmpty())) {
            nulls = new long[b][];
            for (int i = 0; i < b; i++) nulls[i] = card.nullContext();
        } else {
            nulls = tokens(s.getNullTokens(), b, "step.null_tokens");
        }
        if (!Double.isFinite(s.getGuidanceScale())) throw invalid("step.guidance_scale must be finite, got " + s.getGuidanceScale());
        if (!(s.getEta() >= 0 && s.getEta() <= 1)) throw invalid("step.eta must be in [0, 1], got " + s.getEta());
        int[] positions = new int[s.getAttentionPositionsCount()];
        if (positions.length > 0) requireCapability("attention", "step.attention_positions");
        for (int i = 0; i < positions.length; i++) {
            int p = s.getAttentionPositions(i);
            if (p < 0 || p >= card.contextLength())
                throw invalid("step.attention_positions[" + i + "] = " + p + " is outside 0.." + (card.contextLength() - 1));
            positions[i] = p;
        }
        return new NodeWork.Step(x, t, prev, tokens, nulls, s.getGuidanceScale(), s.getEta(), positions, s.getReproducible(), !s.getSkipMean());
    }

    private NodeWork.Guidance guidance(GuidanceRequest g) throws RequestException {
        requireCapability("utility_grad", "guidance");
        long t = timestep(g.getTimestep(), "guidance.timestep");
        FloatTensor x = latent(g.hasX() ? g.getX() : null, "guidance.x");
        int b = x.dim(0);
        long[][] tokens = tokens(g.hasTokens() ? g.getTokens() : null, b, "guidance.tokens");
        int[] a = card.attentionShape();
        FloatTensor w = floats(g.hasWeights() ? g.getWeights() : null, "guidance.weights",
                new int[]{b, card.contextLength(), a[0], a[1]}, "[B, L, h, w]");
        return new NodeWork.Guidance(x, t, tokens, w, g.getReproducible());
    }

    private void requireCapability(String capability, String field) throws RequestException {
        if (!card.capabilities().contains(capability))
            throw invalid(field + ": model " + card.name() + " lacks capability " + capability + " (has " + card.capabilities() + ")");
    }

    private long timestep(long t, String field) throws RequestException {
        int n = card.schedule().trainSteps();
        if (t < 0 || t >= n) throw invalid(field + " " + t + " is outside 0.." + (n - 1));
        return t;
    }

    private FloatTensor latent(Tensor x, String field) throws RequestException {
        if (x == null) throw invalid(field + " is required");
        if (x.getShapeCount() != 4) throw invalid(field + ".shape must be [B, " + join(card.latentShape()) + "], got " + x.getShapeList());
        long b = x.getShape(0);
        if (b < 1) throw invalid(field + ".shape: batch must be at least 1, got " + b);
        if (b > maxBatch) throw exhausted(field + ".shape: batch " + b + " exceeds this node's max batch " + maxBatch);
        int[] l = card.latentShape();
        return floats(x, field, new int[]{(int) b, l[0], l[1], l[2]}, "[B, " + join(l) + "]");
    }

    private static FloatTensor floats(Tensor t, String field, int[] expected, String pattern) throws RequestException {
        if (t == null) throw invalid(field + " is required");
        if (t.getDtype() != DType.FLOAT32) throw invalid(field + ".dtype must be FLOAT32, got " + t.getDtype());
        if (!sameShape(t.getShapeList(), expected))
            throw invalid(field + ".shape must be " + pattern + " = " + Arrays.toString(expected) + ", got " + t.getShapeList());
        FloatTensor v;
        try {
            v = TensorCodec.decodeFloat(t, field);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        float[] d = v.data();
        for (int i = 0; i < d.length; i++)
            if (!Float.isFinite(d[i])) throw invalid(field + ".data[" + i + "] is " + d[i] + ": values must be finite");
        return v;
    }

    private long[][] tokens(Tensor t, int b, String field) throws RequestException {
        if (t == null) throw invalid(field + " is required");
        if (t.getDtype() != DType.INT64) throw invalid(field + ".dtype must be INT64, got " + t.getDtype());
        int l = card.contextLength();
        if (!sameShape(t.getShapeList(), new int[]{b, l}))
            throw invalid(field + ".shape must be [B, L] = [" + b + ", " + l + "], got " + t.getShapeList());
        long[][] rows;
        try {
            rows = TensorCodec.decodeTokens(t, field);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        for (int i = 0; i < rows.length; i++)
            for (int j = 0; j < l; j++)
                if (!vocabulary.contains(rows[i][j]))
                    throw invalid(field + "[" + i + "][" + j + "] = " + rows[i][j] + " is not a token id of model " + card.name());
        return rows;
    }

    private static boolean sameShape(List<Long> got, int[] expected) {
        if (got.size() != expected.length) return false;
        for (int i = 0; i < expected.length; i++) if (got.get(i) != expected[i]) return false;
        return true;
    }

    private static String join(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.toString();
    }
}
