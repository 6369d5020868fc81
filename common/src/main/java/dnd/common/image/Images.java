package dnd.common.image;

import dnd.common.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Latents to pictures: [1,H,W] (grey) or [3,H,W] (RGB) in [-1,1], nearest-neighbour upscaled; PNG bytes, no files. */
public final class Images {

    private Images() {}

    public static BufferedImage toImage(FloatTensor latent, int scale) {
        int[] s = latent.shape();
        if (s.length != 3 || (s[0] != 1 && s[0] != 3))
            throw new IllegalArgumentException("image: expected a [1,H,W] or [3,H,W] latent in pixel space, got " + java.util.Arrays.toString(s));
        if (scale < 1 || scale > 64) throw new IllegalArgumentException("image: scale must be in 1..64, got " + scale);
        int c = s[0], h = s[1], w = s[2];
        float[] d = latent.data();
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int j = y * w + x;
                int r = level(d[j]), g = c == 3 ? level(d[h * w + j]) : r, b = c == 3 ? level(d[2 * h * w + j]) : r;
                fill(img, x * scale, y * scale, scale, scale, (r << 16) | (g << 8) | b);
            }
        return img;
    }

    public static byte[] png(FloatTensor latent, int scale) { return png(toImage(latent, scale)); }

    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer available");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // cannot happen on a byte array
        }
    }

    /** [-1,1] to 0..255, rounding, clamped; NaN is black. */
    static int level(float v) {
        if (!(v > -1)) return 0;
        if (v >= 1) return 255;
        return (int) Math.round((v + 1) * 127.5);
    }

    static void fill(BufferedImage img, int x0, int y0, int w, int h, int rgb) {
        for (int y = y0; y < y0 + h; y++) for (int x = x0; x < x0 + w; x++) img.setRGB(x, y, rgb);
    }
}
