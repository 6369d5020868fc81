package dnd.eval;

import dnd.common.tensor.FloatTensor;

/**
 * An RGB image as the finder sees it: channel values mapped from [-1,1] to [0,1] and clamped
 * ({@code rgb}, [3][H*W] row-major), and the intensity {@code v} = max over channels. Arithmetic
 * is float32, as in training/evaluator.py, so thresholds fall on the same pixels.
 */
public record Canvas(int height, int width, float[][] rgb, float[] v) {

    public Canvas {
        if (height < 1 || width < 1) throw new IllegalArgumentException("canvas: height and width must be >= 1");
        if (rgb.length != 3 || v.length != height * width) throw new IllegalArgumentException("canvas: needs 3 channels of " + height * width + " pixels");
        for (float[] c : rgb)
            if (c.length != height * width) throw new IllegalArgumentException("canvas: channel length " + c.length + " != " + height * width);
    }

    /** From a latent/image tensor [3,H,W] with values in [-1,1] (values outside are clamped). */
    public static Canvas fromSigned(FloatTensor image) {
        if (image.rank() != 3 || image.dim(0) != 3)
            throw new IllegalArgumentException("image must be [3,H,W], got " + java.util.Arrays.toString(image.shape()));
        int h = image.dim(1), w = image.dim(2), n = h * w;
        float[][] rgb = new float[3][n];
        float[] v = new float[n];
        float[] d = image.data();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++) {
                float x = (d[c * n + i] + 1.0f) / 2.0f;
                if (!(x >= 0f)) x = 0f; // also maps NaN to 0
                if (x > 1f) x = 1f;
                rgb[c][i] = x;
            }
        for (int i = 0; i < n; i++) v[i] = Math.max(rgb[0][i], Math.max(rgb[1][i], rgb[2][i]));
        return new Canvas(h, w, rgb, v);
    }

    public int pixels() { return height * width; }
}
