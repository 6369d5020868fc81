package dnd.common.model;

import dnd.common.tensor.FloatTensor;

/**
 * What a diffusion model does, whatever runs it (TorchScript through DJL, the analytic Gaussian
 * mixture, a synthetic fixed-cost stand-in). Implementations must be deterministic: the same
 * inputs give the same bits. Thread-safety is the implementation's to state.
 */
public interface Denoiser extends AutoCloseable {

    ModelCard card();

    /**
     * One forward pass. {@code x} is [B,C,H,W], {@code t} has B timesteps, {@code tokens} is [B][L].
     * Returns eps [B,C,H,W] and the cross-attention maps [B,L,h,w] (softmax over L per pixel).
     */
    Forward forward(FloatTensor x, long[] t, long[][] tokens);

    /**
     * u[b] = sum(weights[b] * normalised attention[b]) (each token's map divided by its sum over
     * pixels) and du/dx. {@code weights} is [B,L,h,w].
     */
    UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor weights);

    @Override
    default void close() {}

    record Forward(FloatTensor eps, FloatTensor attention) {}

    record UtilityGradient(float[] utility, FloatTensor grad) {}
}
