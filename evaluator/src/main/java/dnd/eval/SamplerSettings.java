package dnd.eval;

/**
 * The sampler settings every method of an evaluation shares: steps (0: the models'
 * recommendation), the CFG scale (0: the models' recommendation) and the x0-hat clip (0: off;
 * 1 for the shipped pixel-space models) and DDIM's eta (0: deterministic DDIM, 1: DDPM's
 * ancestral variance; the step noise comes from the job's seed, so images stay reproducible).
 */
public record SamplerSettings(int steps, double guidanceScale, double x0Clip, double eta) {

    /** What `dnd eval` uses unless told otherwise: the models' steps and scale, x0-hat clipped to [-1, 1], eta 1. */
    public static final SamplerSettings DEFAULT = new SamplerSettings(0, 0, 1, 1);

    public SamplerSettings {
        if (steps < 0 || steps > 1000) throw new IllegalArgumentException("--steps must be in 0..1000 (0: the models' recommendation), got " + steps);
        if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale))
            throw new IllegalArgumentException("--guidance-scale must be finite and >= 0 (0: the models' recommendation), got " + guidanceScale);
        if (!(x0Clip >= 0) || Double.isInfinite(x0Clip)) throw new IllegalArgumentException("--x0-clip must be finite and >= 0 (0: off), got " + x0Clip);
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("--eta must be in [0, 1], got " + eta);
    }
}
