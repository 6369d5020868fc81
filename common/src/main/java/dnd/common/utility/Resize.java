package dnd.common.utility;

/**
 * Bilinear resampling of a [h,w] map to [H,W] with PyTorch's {@code align_corners=False}
 * convention, and its exact adjoint (the transpose of the same linear map), which carries a
 * cotangent on [H,W] back to [h,w]. Immutable; precomputes the separable taps.
 */
public final class Resize {

    private final int h, w, outH, outW;
    private final int[] y0, y1, x0, x1;
    private final double[] wy, wx;   // weight of the second tap

    public Resize(int h, int w, int outH, int outW) {
        if (h < 1 || w < 1 || outH < 1 || outW < 1) throw new IllegalArgumentException("resize: sizes must be positive");
        this.h = h; this.w = w; this.outH = outH; this.outW = outW;
        y0 = new int[outH]; y1 = new int[outH]; wy = new double[outH];
        x0 = new int[outW]; x1 = new int[outW]; wx = new double[outW];
        taps(h, outH, y0, y1, wy);
        taps(w, outW, x0, x1, wx);
    }

    private static void taps(int in, int out, int[] i0, int[] i1, double[] frac) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.max((o + 0.5) * scale - 0.5, 0);
            int lo = Math.min((int) Math.floor(src), in - 1);
            i0[o] = lo;
            i1[o] = Math.min(lo + 1, in - 1);
            frac[o] = src - lo;
        }
    }

    public int outSize() { return outH * outW; }

    /** out[H*W] = R in[h*w]. */
    public double[] apply(double[] in) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double fy = wy[y];
            int ra = y0[y] * w, rb = y1[y] * w;
            for (int x = 0; x < outW; x++) {
                double fx = wx[x];
                double top = (1 - fx) * in[ra + x0[x]] + fx * in[ra + x1[x]];
                double bottom = (1 - fx) * in[rb + x0[x]] + fx * in[rb + x1[x]];
                out[y * outW + x] = (1 - fy) * top + fy * bottom;
            }
        }
        return out;
    }

    /** in[h*w] = R^T out[H*W]. */
    public double[] adjoint(double[] out) {
        double[] in = new double[h * w];
        for (int y = 0; y < outH; y++) {
            double fy = wy[y];
            int ra = y0[y] * w, rb = y1[y] * w;
            for (int x = 0; x < outW; x++) {
                double fx = wx[x];
                double g = out[y * outW + x];
                in[ra + x0[x]] += (1 - fy) * (1 - fx) * g;
                in[ra + x1[x]] += (1 - fy) * fx * g;
                in[rb + x0[x]] += fy * (1 - fx) * g;
                in[rb + x1[x]] += fy * fx * g;
            }
        }
        return in;
    }
}
