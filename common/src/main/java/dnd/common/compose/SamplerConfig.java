package dnd.common.compose;

/** The sampler settings every method shares. */
public record SamplerConfig(int steps, long seed, double guidanceScale, double eta) {
    public SamplerConfig {
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000, got " + steps);
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) throw new IllegalArgumentException("guidance scale must be finite and >= 0");
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("eta must be in [0,1], got " + eta);
    }
}
