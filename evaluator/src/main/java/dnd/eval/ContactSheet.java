package dnd.eval;

import dnd.common.tensor.FloatTensor;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One method's images of one task on a grid: a row per prompt, a column per image, each tile
 * enlarged {@code SCALE} times inside a frame that is green when the verdict is correct and red
 * when not.
 */
public final class ContactSheet {

    static final int SCALE = 2, FRAME = 2, GAP = 2;
    private static final int GREEN = 0x22c55e, RED = 0xdc2626, BACKGROUND = 0x404040;

    private ContactSheet() {}

    /** @param tiles one entry per image: its row (prompt), column (image), image [3,H,W] in [-1,1] and verdict */
    public static BufferedImage render(List<Tile> tiles, int rows, int cols) {
        if (tiles.isEmpty()) throw new IllegalArgumentException("contact sheet: no images");
        int h = tiles.get(0).image().dim(1), w = tiles.get(0).image().dim(2);
        int cellH = h * SCALE + 2 * FRAME + GAP, cellW = w * SCALE + 2 * FRAME + GAP;
        BufferedImage sheet = new BufferedImage(cols * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sheet.getHeight(); y++)
            for (int x = 0; x < sheet.getWidth(); x++) sheet.setRGB(x, y, BACKGROUND);
        for (Tile t : tiles) {
            if (t.row() < 0 || t.row() >= rows || t.col() < 0 || t.col() >= cols)
                throw new IllegalArgumentException("contact sheet: tile (" + t.row() + "," + t.col() + ") outside " + rows + "x" + cols);
            int oy = GAP + t.row() * cellH, ox = GAP + t.col() * cellW;
            int frame = t.correct() ? GREEN : RED;
            for (int y = 0; y < h * SCALE + 2 * FRAME; y++)
                for (int x = 0; x < w * SCALE + 2 * FRAME; x++) sheet.setRGB(ox + x, oy + y, frame);
            float[] d = t.image().data();
            int n = h * w;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int rgb = (byte255(d[y * w + x]) << 16) | (byte255(d[n + y * w + x]) << 8) | byte255(d[2 * n + y * w + x]);
                    for (int sy = 0; sy < SCALE; sy++)
                        for (int sx = 0; sx < SCALE; sx++) sheet.setRGB(ox + FRAME + x * SCALE + sx, oy + FRAME + y * SCALE + sy, rgb);
                }
        }
        return sheet;
    }

    static int byte255(float signed) {
        float v = (signed + 1f) / 2f;
        if (!(v >= 0f)) v = 0f;
        if (v > 1f) v = 1f;
        return Math.round(v * 255f);
    }

    public record Tile(int row, int col, FloatTensor image, boolean correct) {}
}
