package dnd.common.utility;

/**
 * A separable Gaussian blur of a [H,W] map with reflect padding (PyTorch's "reflect": the edge
 * is not repeated), and its exact adjoint. Immutable.
 */
public final class Blur {

    private final int h, w, radius;
    private final double[] kernel;

    public Blur(int h, int w, double sigma, int radius) {
        if (!(sigma > 0) || radius < 1) throw new IllegalArgumentException("blur: sigma must be > 0 and radius >= 1");
        this.h = h; this.w = w; this.radius = radius;
        kernel = new double[2 * radius + 1];
        double s = 0;
        for (int k = -radius; k <= radius; k++) { kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma)); s += kernel[k + radius]; }
        for (int k = 0; k < kernel.length; k++) kernel[k] /= s;
    }

    public double[] apply(double[] in) {
        double[] tmp = new double[h * w], out = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * in[y * w + reflect(x + k, w)];
                tmp[y * w + x] = s;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * tmp[reflect(y + k, h) * w + x];
                out[y * w + x] = s;
            }
        return out;
    }

    public double[] adjoint(double[] out) {
        double[] tmp = new double[h * w], in = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = -radius; k <= radius; k++) tmp[reflect(y + k, h) * w + x] += kernel[k + radius] * out[y * w + x];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = -radius; k <= radius; k++) in[y * w + reflect(x + k, w)] += kernel[k + radius] * tmp[y * w + x];
        return in;
    }

    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }
}
