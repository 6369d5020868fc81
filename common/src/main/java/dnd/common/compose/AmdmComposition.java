package dnd.common.compose;

import dnd.common.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMDM (spec 5.2): every model follows its own trajectory x^i; inside the step window their
 * proposals x~^i_s (DDIM mean plus the step's shared noise) are aggregated with spherical weights
 * (w_i >= 0, sum w_i^2 = 1), x_bar = sum_i w_i x~^i_s, and each model restarts from x_bar moved a
 * distance p_i towards its target: x^i_s = x_bar - p_i (x_bar - t_i) / |x_bar - t_i|. The output is
 * the specified model's trajectory.
 *
 * <p>Weights: "weights=a,b,..." (normalised to sum of squares 1), or the nested construction
 * "omega=o_1,...,o_{n-1}": w(1) = (1), w(k+1) = (o_k w(k), sqrt(1 - o_k^2)), which has sum of
 * squares 1 for any n (the reference code's 3-model formula does not); default: all 1/sqrt(n).
 *
 * <p>Target: "mean" (default, the paper's intent): the model's own DDIM mean from the current eps
 * with the strided alphas; "code": the reference code's (x^i_t - (1 - alpha_t') / sqrt(1 - abar_t')
 * eps_prev) / sqrt(alpha_t') with the single-step alpha at the previous grid time t' and the
 * previous step's eps. "clamp=on" keeps p_i <= |x_bar - t_i| (no overshoot); "renormalise=on" scales
 * x_bar to the w-weighted mean norm of the proposals (the spherical weights inflate the norm of
 * correlated proposals).
 */
final class AmdmComposition extends BaseComposition {

    static final Map<String, String> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put("weights", "explicit aggregation weights, n comma-separated numbers >= 0 (normalised to sum of squares 1)");
        OPTIONS.put("omega", "nested spherical weights: 1 or n-1 numbers in [0,1] (default: equal weights 1/sqrt(n))");
        OPTIONS.put("distance", "deviation distances p_i (L2, latent units): 1 or n numbers >= 0 (default 0.35 sqrt(d))");
        OPTIONS.put("window-start", "first aggregated step, 0-based (default 1; step 0 is never aggregated)");
        OPTIONS.put("window-end", "last aggregated step (default 14% of the steps, the reference 7 of 50)");
        OPTIONS.put("target", "mean|code: deviation target (default mean)");
        OPTIONS.put("clamp", "on|off: cap p_i at the distance to the target (default on)");
        OPTIONS.put("renormalise", "on|off: rescale the aggregate to the weighted mean norm (default on)");
        OPTIONS.put("specified", "index of the player whose trajectory is the output (default 0)");
    }

    private final double[] weights;
    private final double[] distance;
    private final int windowStart, windowEnd, specified;
    private final boolean codeTarget, clamp, renormalise;
    private final float[][] xs;
    private float[][] epsPrev;
    private float[][] next;

    AmdmComposition(Sampling s, Options o) {
        super("amdm", s);
        int n = s.n;
        double[] explicit = o.numbers("weights", n, 0, 1e9);
        double[] omega = n > 1 ? o.numbers("omega", n - 1, 0, 1) : null;
        if (n == 1 && o.has("omega")) throw new IllegalArgumentException("method amdm: option omega needs at least two players");
        if (explicit != null && omega != null) throw new IllegalArgumentException("method amdm: give weights or omega, not both");
        weights = explicit != null ? normalise(explicit) : omega != null ? nested(omega) : equal(n);
        double[] p = o.numbers("distance", n, 0, 1e9);
        if (p == null) { p = new double[n]; java.util.Arrays.fill(p, 0.35 * Math.sqrt(s.d)); }
        distance = p;
        windowStart = Math.max(1, o.integer("window-start", 1, 0, 1000));
        windowEnd = o.integer("window-end", Math.max(1, (int) Math.round(0.14 * s.steps())), 0, 1000);
        codeTarget = o.string("target", "mean", "mean", "code").equals("code");
        clamp = o.flag("clamp", true);
        renormalise = o.flag("renormalise", true);
        specified = o.integer("specified", 0, 0, n - 1);
        o.finish();
        xs = new float[n][];
        float[] x0 = s.initialLatent();
        for (int i = 0; i < n; i++) xs[i] = x0.clone();
    }

    /** The aggregation weights (sum of squares 1). */
    double[] weights() { return weights.clone(); }

    static double[] nested(double[] omega) {
        double[] w = {1};
        for (double o : omega) {
            double[] nw = new double[w.length + 1];
            for (int i = 0; i < w.length; i++) nw[i] = o * w[i];
            nw[w.length] = Math.sqrt(1 - o * o);
            w = nw;
        }
        return w;
    }

    private static double[] equal(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1 / Math.sqrt(n));
        return w;
    }

    private static double[] normalise(double[] w) {
        double ss = 0;
        for (double v : w) ss += v * v;
        if (!(ss > 0)) throw new IllegalArgumentException("method amdm: option weights must not be all zero");
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) out[i] = w[i] / Math.sqrt(ss);
        return out;
    }

    @Override
    protected float[] input(int player, int k) { return xs[player]; }

    @Override
    protected List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs) {
        int n = s.n, d = s.d;
        float[][] eps = new float[n][];
        double[][] means = new double[n][];
        float[][] proposals = new float[n][];
        for (int i = 0; i < n; i++) {
            eps[i] = s.guidedEps(i, k, xs[i], outputs.get(i));
            means[i] = s.mean(i, k, xs[i], eps[i]);
            proposals[i] = s.sample(k, means[i]);   // one shared z per step
        }
        next = new float[n][];
        if (k >= windowStart && k <= windowEnd) {
            double[] bar = new double[d];
            double normSum = 0, wSum = 0;
            for (int i = 0; i < n; i++) {
                double nn = 0;
                for (int e = 0; e < d; e++) { bar[e] += weights[i] * proposals[i][e]; nn += (double) proposals[i][e] * proposals[i][e]; }
                normSum += weights[i] * Math.sqrt(nn);
                wSum += weights[i];
            }
            if (renormalise) {
                double nb = 0;
                for (double v : bar) nb += v * v;
                nb = Math.sqrt(nb);
                if (nb > 0 && wSum > 0) for (int e = 0; e < d; e++) bar[e] *= (normSum / wSum) / nb;
            }
            for (int i = 0; i < n; i++) {
                double[] target = codeTarget && epsPrev != null ? codeTarget(i, k) : means[i];
                double dist = 0;
                for (int e = 0; e < d; e++) { double v = bar[e] - target[e]; dist += v * v; }
                dist = Math.sqrt(dist);
                double step = clamp ? Math.min(distance[i], dist) : distance[i];
                float[] xi = new float[d];
                for (int e = 0; e < d; e++) xi[e] = (float) (dist > 0 ? bar[e] - step * (bar[e] - target[e]) / dist : bar[e]);
                next[i] = xi;
            }
        } else {
            for (int i = 0; i < n; i++) next[i] = proposals[i];
        }
        epsPrev = eps;
        return List.of();
    }

    /** The reference code's target: single-step alpha at the previous grid time and the previous eps. */
    private double[] codeTarget(int i, int k) {
        long tp = s.t(k - 1);
        double abT = s.schedules[i].alphaBar(tp), abBefore = s.schedules[i].alphaBar(tp - 1);
        double alpha = abT / abBefore;
        double coef = (1 - alpha) / Math.sqrt(1 - abT);
        double[] out = new double[s.d];
        for (int e = 0; e < s.d; e++) out[e] = (xs[i][e] - coef * epsPrev[i][e]) / Math.sqrt(alpha);
        return out;
    }

    @Override
    protected StepReport onGuidance(int k, List<FloatTensor> gradients) {
        System.arraycopy(next, 0, xs, 0, s.n);
        double[] per = new double[s.n];
        for (int i = 0; i < s.n; i++) per[i] = weights[i] * weights[i];
        return plainReport(k, constantWeights(s.n, s.m, per));
    }

    @Override
    protected float[] finalLatent() { return xs[specified]; }
}
