package dnd.node;

import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks at start that a model, run at one fixed call shape, gives a request the same bits
 * whatever its batch mates and position (true of the fixture on CPU libtorch, where only the
 * call shape changes low bits). Only then may reproducible requests share padded calls.
 */
public final class FixedShapeCheck {

    private FixedShapeCheck() {}

    /** The outcome: whether the model passed, and the largest difference seen. */
    public record Result(boolean invariant, double maxDifference) {}

    public static Result run(BatchRunner padded) {
        int n = padded.fixedLatents();
        if (n < 2) throw new IllegalArgumentException("the check needs a fixed shape of at least 2 latents");
        ModelCard card = padded.denoiser().card();
        NodeWork.Step probe = step(card, 1, 700);
        NodeWork.Step mates = step(card, 2, 300);
        // the probe alone (then padding), and last behind n - 1 other latents
        NodeWork.StepResult first = padded.steps(List.of(probe)).get(0);
        NodeWork.StepResult last = padded.steps(List.of(widen(mates, n - 1, card), probe)).get(1);
        double diff = Math.max(maxDiff(first.epsCond(), last.epsCond()), maxDiff(first.attention(), last.attention()));
        boolean same = first.epsCond().equals(last.epsCond()) && first.epsUncond().equals(last.epsUncond())
                && first.attention().equals(last.attention());
        if (card.capabilities().contains("utility_grad")) {
            NodeWork.Guidance g = guidance(card, 4), gm = guidance(card, 5);
            NodeWork.GuidanceResult a = padded.guidance(List.of(g)).get(0);
            NodeWork.GuidanceResult b = padded.guidance(List.of(widenGuidance(gm, n - 1, card), g)).get(1);
            diff = Math.max(diff, maxDiff(a.grad(), b.grad()));
            same &= a.grad().equals(b.grad()) && a.utility().equals(b.utility());
        }
        return new Result(same, diff);
    }

    /** A conditional context (the first item), or the null one for a model without items. */
    private static long[][] context(ModelCard card) {
        long[][] ctx = {card.nullContext()};
        if (!card.items().isEmpty()) ctx[0][ModelCard.ITEM_POSITION] = card.tokens().get(card.items().get(0));
        return ctx;
    }

    private static NodeWork.Step step(ModelCard card, long seed, long t) {
        long[][] ctx = context(card);
        return new NodeWork.Step(noise(seed, 1, card.channels(), card.height(), card.width()), t, t - 20, ctx,
                new long[][]{card.nullContext()}, 3.0, 0.0, new int[]{ModelCard.ITEM_POSITION}, true, true);
    }

    private static NodeWork.Step widen(NodeWork.Step s, int b, ModelCard card) {
        long[][] tok = new long[b][], nul = new long[b][];
        for (int i = 0; i < b; i++) {
            tok[i] = s.tokens()[0];
            nul[i] = card.nullContext();
        }
        return new NodeWork.Step(noise(9, b, card.channels(), card.height(), card.width()), s.timestep(), s.prevTimestep(), tok, nul,
                s.guidanceScale(), s.eta(), s.positions(), true, true);
    }

    private static NodeWork.Guidance guidance(ModelCard card, long seed) {
        long[][] ctx = context(card);
        return new NodeWork.Guidance(noise(seed, 1, card.channels(), card.height(), card.width()), 500, ctx,
                noise(seed + 100, 1, card.contextLength(), card.attentionShape()[0], card.attentionShape()[1]), true);
    }

    private static NodeWork.Guidance widenGuidance(NodeWork.Guidance g, int b, ModelCard card) {
        long[][] tok = new long[b][];
        for (int i = 0; i < b; i++) tok[i] = g.tokens()[0];
        return new NodeWork.Guidance(noise(11, b, card.channels(), card.height(), card.width()), 800, tok,
                noise(12, b, card.contextLength(), card.attentionShape()[0], card.attentionShape()[1]), true);
    }

    private static FloatTensor noise(long seed, int... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) (2 * r.nextDouble() - 1);
        return t;
    }

    private static double maxDiff(FloatTensor a, FloatTensor b) {
        double d = 0;
        for (int i = 0; i < a.size(); i++) d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
        return d;
    }
}
