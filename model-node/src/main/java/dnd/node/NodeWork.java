package dnd.node;

import dnd.common.tensor.FloatTensor;

/** A validated request, in domain types: what the batcher queues and the runner computes. */
public sealed interface NodeWork {

    /** Latents in this request (B). */
    int items();

    /** True: never merge this request with another job's. */
    boolean reproducible();

    /**
     * eps under the conditional and unconditional contexts, the DDIM(eta) mean of the CFG eps
     * from {@code timestep} to {@code prevTimestep} when {@code withMean} (a client that blends the
     * players' eps itself, like the coordinator, leaves it out), and the attention maps at {@code positions}.
     */
    record Step(FloatTensor x, long timestep, long prevTimestep, long[][] tokens, long[][] nullTokens,
                double guidanceScale, double eta, int[] positions, boolean reproducible, boolean withMean) implements NodeWork {
        public int items() { return x.dim(0); }
    }

    /** The vector-Jacobian product of sum(weights * normalised attention) with respect to x. */
    record Guidance(FloatTensor x, long timestep, long[][] tokens, FloatTensor weights, boolean reproducible) implements NodeWork {
        public int items() { return x.dim(0); }
    }

    /** What a step computes, per request; {@code mean} is null when the step was asked without it. */
    record StepResult(FloatTensor epsCond, FloatTensor epsUncond, FloatTensor mean, FloatTensor attention) {}

    /** What a guidance request computes. */
    record GuidanceResult(FloatTensor utility, FloatTensor grad) {}
}
