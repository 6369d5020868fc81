package dnd.common.utility;

/**
 * The attention-based utility of spec 2.3b and its cotangent for guidance (2.3c). For a player's
 * item-token map a on the attention grid [h,w]:
 * <pre>
 *   a_hat = a / sum a                 (what the node's VJP differentiates)
 *   c     = optional 3x3 Gaussian smoothing (sigma 0.5, reflect padding) of a_hat on [h,w]
 *   b     = bilinear resize of c to the latent grid [H,W]
 *   s     = b^power                   (power > 1 sharpens)
 *   u     = s / sum s
 * </pre>
 * (the recipe of spec 2.3b: smooth at attention resolution, then upsample, then normalise).
 * For guidance, G_i = sum_j Q_ij u_ij with Q fixed; {@link #cotangent} returns dG_i / d a_hat
 * on [h,w], i.e. (Q_i - G_i) / sum s carried back through the power, the resize's adjoint and
 * the blur's adjoint. The node returns the VJP of sum(weights * a_hat), which is then grad G_i.
 * Immutable and thread-safe.
 */
public final class AttentionUtility {

    private final int h, w, outH, outW;
    private final Resize resize;
    private final Blur blur;
    private final double power;

    public AttentionUtility(int h, int w, int outH, int outW, boolean blur, double power) {
        if (!(power > 0) || Double.isInfinite(power)) throw new IllegalArgumentException("sharpen: power must be finite and > 0, got " + power);
        this.h = h; this.w = w; this.outH = outH; this.outW = outW;
        this.resize = new Resize(h, w, outH, outW);
        this.blur = blur ? new Blur(h, w, 0.5, 1) : null;
        this.power = power;
    }

    /** The utility of one map and what its cotangent needs. */
    public record Evaluation(double[] utility, double[] blurred, double sum) {}

    public Evaluation evaluate(float[] attention) {
        if (attention.length != h * w)
            throw new IllegalArgumentException("attention: expected " + h + "x" + w + " values, got " + attention.length);
        double total = 0;
        for (float v : attention) {
            if (!Float.isFinite(v) || v < 0) throw new IllegalArgumentException("attention: values must be finite and >= 0, got " + v);
            total += v;
        }
        double[] hat = new double[h * w];
        for (int j = 0; j < hat.length; j++) hat[j] = total > 0 ? attention[j] / total : 1.0 / hat.length;
        double[] c = blur == null ? hat : blur.apply(hat);
        double[] b = resize.apply(c);
        int m = b.length;
        double[] s = new double[m];
        double sum = 0;
        for (int j = 0; j < m; j++) { s[j] = power == 1 ? Math.max(b[j], 0) : Math.pow(Math.max(b[j], 0), power); sum += s[j]; }
        double[] u = new double[m];
        for (int j = 0; j < m; j++) u[j] = sum > 0 ? s[j] / sum : 1.0 / m;
        return new Evaluation(u, b, sum);
    }

    /** dG/d a_hat on [h,w] for G = sum_j q[j] u[j], q being the player's row of Q. */
    public float[] cotangent(Evaluation e, double[] q) {
        int m = e.utility().length;
        if (q.length != m) throw new IllegalArgumentException("allocation row: expected " + m + " values, got " + q.length);
        double[] g = new double[m];
        if (e.sum() > 0) {
            double gi = 0;
            for (int j = 0; j < m; j++) gi += q[j] * e.utility()[j];
            for (int j = 0; j < m; j++) {
                double gs = (q[j] - gi) / e.sum();
                double b = e.blurred()[j];
                g[j] = power == 1 ? (b >= 0 ? gs : 0) : (b > 0 ? gs * power * Math.pow(b, power - 1) : 0);
            }
        }
        double[] gc = resize.adjoint(g);
        double[] ga = blur == null ? gc : blur.adjoint(gc);
        float[] out = new float[ga.length];
        for (int j = 0; j < ga.length; j++) out[j] = (float) ga[j];
        return out;
    }
}
