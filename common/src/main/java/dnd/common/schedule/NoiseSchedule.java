package dnd.common.schedule;

import dnd.common.model.ScheduleSpec;

/**
 * A discrete VP noise schedule and its samplers (spec sections 1.2, 1.4, 1.5). Stateless after
 * construction, so one instance may serve any number of jobs. A previous time {@code s < 0}
 * means the final step, where alpha-bar is alpha-bar_0 ({@code set_alpha_to_one = false}).
 */
public final class NoiseSchedule {

    private final double[] alphaBar;

    private NoiseSchedule(double[] alphaBar) {
        this.alphaBar = alphaBar;
    }

    public static NoiseSchedule of(ScheduleSpec spec) {
        int n = spec.trainSteps();
        double[] ab = new double[n];
        double prod = 1;
        for (int i = 0; i < n; i++) {
            double frac = n == 1 ? 0 : (double) i / (n - 1);
            double beta = switch (spec.betas()) {
                case "linear" -> spec.betaStart() + frac * (spec.betaEnd() - spec.betaStart());
                case "scaled_linear" -> {
                    double r = Math.sqrt(spec.betaStart()) + frac * (Math.sqrt(spec.betaEnd()) - Math.sqrt(spec.betaStart()));
                    yield r * r;
                }
                default -> throw new IllegalArgumentException("unknown betas " + spec.betas());
            };
            prod *= 1 - beta;
            ab[i] = prod;
        }
        return new NoiseSchedule(ab);
    }

    public int trainSteps() { return alphaBar.length; }

    /** alpha-bar at t; t < 0 is the final "previous time" and gives alpha-bar_0. */
    public double alphaBar(long t) {
        if (t >= alphaBar.length) throw new IllegalArgumentException("timestep " + t + " beyond the schedule's " + alphaBar.length);
        return t < 0 ? alphaBar[0] : alphaBar[(int) t];
    }

    /**
     * The K-step grid with "leading" spacing and steps_offset = 1, noisiest first: r*k + 1 for
     * k = K-1..0. When the offset would step past the last training step (K = T_train), the offset
     * is dropped (T-1..0) rather than indexing beyond the schedule.
     */
    public long[] grid(int steps) {
        if (steps < 1 || steps > alphaBar.length) throw new IllegalArgumentException("steps must be in 1.." + alphaBar.length);
        int r = alphaBar.length / steps;
        int offset = (long) r * (steps - 1) + 1 < alphaBar.length ? 1 : 0;
        long[] g = new long[steps];
        for (int k = 0; k < steps; k++) g[k] = (long) r * (steps - 1 - k) + offset;
        return g;
    }

    /** The time after {@code grid[k]}: the next grid entry, or -1 (final) after the last. */
    public static long previous(long[] grid, int k) {
        return k + 1 < grid.length ? grid[k + 1] : -1;
    }

    /** DDIM noise scale sigma_t(eta) for the step t -> s (eta = 1 gives the DDPM posterior sigma). */
    public double ddimSigma(long t, long s, double eta) {
        double at = alphaBar(t), as = alphaBar(s);
        return eta * Math.sqrt((1 - as) / (1 - at)) * Math.sqrt(1 - at / as);
    }

    /** Coefficients (A, B) with mean = A x + B eps for DDIM(eta) from t to s (spec 1.5, affinity in eps). */
    public double[] ddimCoefficients(long t, long s, double eta) {
        double at = alphaBar(t), as = alphaBar(s);
        double sigma = ddimSigma(t, s, eta);
        double kt = Math.sqrt(at), ks = Math.sqrt(as), nt = Math.sqrt(1 - at);
        double a = ks / kt;
        double b = Math.sqrt(Math.max(0, 1 - as - sigma * sigma)) - ks * nt / kt;
        return new double[]{a, b};
    }

    /** DDIM(eta) mean from t to s: sqrt(ab_s) x0hat + sqrt(1 - ab_s - sigma^2) eps. */
    public float[] ddimMean(float[] x, float[] eps, long t, long s, double eta) {
        double[] ab = ddimCoefficients(t, s, eta);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) (ab[0] * x[i] + ab[1] * eps[i]);
        return out;
    }

    /** DDPM ancestral mean from t to s with strided alphas (spec 1.4). */
    public float[] ddpmMean(float[] x, float[] eps, long t, long s) {
        double at = alphaBar(t), as = alphaBar(s);
        double alphaTs = at / as, betaTs = 1 - alphaTs;
        double a = 1 / Math.sqrt(alphaTs), b = -betaTs / (Math.sqrt(1 - at) * Math.sqrt(alphaTs));
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = (float) (a * x[i] + b * eps[i]);
        return out;
    }

    /** DDPM "fixed small" posterior standard deviation for t -> s. */
    public double ddpmSigma(long t, long s) {
        double at = alphaBar(t), as = alphaBar(s);
        return Math.sqrt((1 - as) / (1 - at) * (1 - at / as));
    }

    /** Tweedie estimate x0hat = (x - sqrt(1-ab) eps) / sqrt(ab), optionally clipped to [-clip, clip]. */
    public float[] predictX0(float[] x, float[] eps, long t, double clip) {
        double at = alphaBar(t), kt = Math.sqrt(at), nt = Math.sqrt(1 - at);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = (x[i] - nt * eps[i]) / kt;
            if (clip > 0) v = Math.max(-clip, Math.min(clip, v));
            out[i] = (float) v;
        }
        return out;
    }
}
