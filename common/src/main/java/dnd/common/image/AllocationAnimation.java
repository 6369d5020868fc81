package dnd.common.image;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * An animated GIF of the allocation Q over the steps: each player has a colour, a pixel shows
 * sum_i Q_ij colour_i; a row beyond the players' colours (the fictitious player) is grey.
 */
public final class AllocationAnimation {

    /** Player colours (RGB), reused cyclically. */
    public static final int[] PALETTE = {0xE6194B, 0x3CB44B, 0x4363D8, 0xFFE119, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6};
    static final int FICTITIOUS = 0x808080;

    private AllocationAnimation() {}

    /** One frame: q is [rows][h*w]; rows beyond {@code players} are drawn grey. */
    public static BufferedImage frame(float[][] q, int players, int h, int w, int scale) {
        int[] colours = colours(q, players, h, w);
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < h * w; j++) Images.fill(img, (j % w) * scale, (j / w) * scale, scale, scale, colours[j]);
        return img;
    }

    /** Each feature's colour (0xRRGGBB): sum_i Q_ij colour_i. */
    private static int[] colours(float[][] q, int players, int h, int w) {
        if (q.length < players) throw new IllegalArgumentException("allocation: " + q.length + " rows for " + players + " players");
        int n = h * w;
        for (int i = 0; i < q.length; i++)
            if (q[i].length != n) throw new IllegalArgumentException("allocation: row " + i + " has " + q[i].length + " values, expected " + n);
        int rows = q.length;
        double[] cr = new double[rows], cg = new double[rows], cb = new double[rows];
        for (int i = 0; i < rows; i++) {
            int c = i < players ? PALETTE[i % PALETTE.length] : FICTITIOUS;
            cr[i] = (c >> 16) & 255;
            cg[i] = (c >> 8) & 255;
            cb[i] = c & 255;
        }
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            double r = 0, g = 0, b = 0;
            for (int i = 0; i < rows; i++) {
                double v = Math.max(0, Math.min(1, q[i][j]));
                r += v * cr[i];
                g += v * cg[i];
                b += v * cb[i];
            }
            out[j] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
        }
        return out;
    }

    /**
     * The animation (looping), one frame per step, {@code delayMs} per frame. Frames are indexed
     * images over one palette of the whole movie (built from the unscaled features), written by
     * our own GIF encoder straight from the features' palette indices: going through ImageIO's
     * writer (BufferedImages, metadata trees, its LZW) was over a quarter of the coordinator's CPU.
     */
    public static byte[] gif(List<float[][]> frames, int players, int h, int w, int scale, int delayMs) {
        if (frames.isEmpty()) throw new IllegalArgumentException("allocation animation: no frames");
        List<int[]> colours = frames.stream().map(q -> colours(q, players, h, w)).toList();
        MoviePalette palette = MoviePalette.of(colours);
        GifWriter gif = new GifWriter(w, h, scale, palette.colours());
        byte[] indices = new byte[h * w];
        for (int[] frame : colours) {
            for (int j = 0; j < indices.length; j++) indices[j] = palette.index(frame[j]);
            gif.frame(indices, Math.max(1, delayMs / 10));
        }
        return gif.finish();
    }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }
}
