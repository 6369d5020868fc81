package dnd.common.utility;

import java.util.Arrays;

/**
 * The score-based utility of spec 2.3a: per latent position the energy of the classifier-free
 * guidance increment, E_j = sum_c (eps_cond - eps_uncond)[c,j]^2, optionally blurred (Gaussian,
 * sigma 1, radius 2, reflect padding) and clipped at a percentile, then normalised to sum 1
 * (uniform when the increment vanishes). Immutable and thread-safe.
 */
public final class ScoreUtility {

    private final int c, h, w;
    private final Blur blur;
    private final double clipPercentile;

    /** @param clipPercentile in (0,100]; 100 disables clipping */
    public ScoreUtility(int channels, int h, int w, boolean blur, double clipPercentile) {
        if (!(clipPercentile > 0 && clipPercentile <= 100)) throw new IllegalArgumentException("clip: percentile must be in (0,100], got " + clipPercentile);
        this.c = channels; this.h = h; this.w = w;
        this.blur = blur ? new Blur(h, w, 1.0, 2) : null;
        this.clipPercentile = clipPercentile;
    }

    public double[] evaluate(float[] epsCond, float[] epsUncond) {
        int m = h * w;
        if (epsCond.length != c * m || epsUncond.length != c * m)
            throw new IllegalArgumentException("eps: expected " + c + "x" + h + "x" + w + " values");
        double[] e = new double[m];
        for (int ch = 0; ch < c; ch++)
            for (int j = 0; j < m; j++) {
                double d = (double) epsCond[ch * m + j] - epsUncond[ch * m + j];
                e[j] += d * d;
            }
        if (blur != null) e = blur.apply(e);
        if (clipPercentile < 100) {
            double[] sorted = e.clone();
            Arrays.sort(sorted);
            double cap = sorted[Math.max(0, (int) Math.ceil(clipPercentile / 100 * m) - 1)];
            for (int j = 0; j < m; j++) e[j] = Math.min(e[j], cap);
        }
        double s = 0;
        for (double v : e) s += v;
        double[] u = new double[m];
        for (int j = 0; j < m; j++) u[j] = s > 0 && Double.isFinite(s) ? e[j] / s : 1.0 / m;
        return u;
    }
}
