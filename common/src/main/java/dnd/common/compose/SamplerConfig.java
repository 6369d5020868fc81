package dnd.common.compose;

/**
 * The sampler settings every method shares. {@code x0Clip > 0} clips each player's x0-hat to
 * [-x0Clip, x0Clip] before its mean is formed (the guided eps is re-derived from the clipped
 * x0-hat; spec 1.4): pixel-space models in [-1, 1] use 1, latent models 0 (off).
 */
public record SamplerConfig(int steps, long seed, double guidanceScale, double eta, double x0Clip) {
    public SamplerConfig {
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000, got " + steps);
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) throw new IllegalArgumentException("guidance scale must be finite and >= 0");
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("eta must be in [0,1], got " + eta);
        if (!(x0Clip >= 0) || Double.isInfinite(x0Clip)) throw new IllegalArgumentException("x0 clip must be finite and >= 0 (0: off), got " + x0Clip);
    }

    /** Without x0-hat clipping. */
    public SamplerConfig(int steps, long seed, double guidanceScale, double eta) {
        this(steps, seed, guidanceScale, eta, 0);
    }
}
