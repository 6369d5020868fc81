package dnd.eval;

import dnd.common.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Composes evaluation canvases from real Fashion-MNIST items as training/evaluator.py's
 * TestComposer does: each item's bounding box (pixels > 10) padded to a centred square and
 * area-downscaled to 14 px, its tight box (> 0.05) pasted at a random free position (1 px gap)
 * on a black 32x32 canvas, tinted with an RGB colour (max-blend where items meet).
 */
final class TestCanvasComposer {

    static final int CANVAS = 32, ITEM = 14;
    static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private final FashionMnist data;
    private final List<List<Integer>> byClass = new ArrayList<>();
    private final SplittableRandom rng;

    TestCanvasComposer(FashionMnist data, long seed) {
        this.data = data;
        this.rng = new SplittableRandom(seed);
        for (int c = 0; c < 10; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < data.labels().length; i++) byClass.get(data.labels()[i]).add(i);
    }

    SplittableRandom rng() { return rng; }

    record Obj(String item, float[] rgb) {}

    /** A canvas [3,32,32] in [-1,1] with the given objects, or null when they did not fit. */
    FloatTensor compose(List<Obj> objs) {
        float[] img = new float[3 * CANVAS * CANVAS];
        List<int[]> taken = new ArrayList<>();
        for (Obj o : objs) {
            List<Integer> pool = byClass.get(CLASSES.indexOf(o.item()));
            float[] patch = downscale(data.images()[pool.get(rng.nextInt(pool.size()))]);
            int[] tb = tightBox(patch);
            int h = tb[1] - tb[0], w = tb[3] - tb[2];
            int[] box = null;
            for (int t = 0; t < 50 && box == null; t++) {
                int y = rng.nextInt(CANVAS - h + 1), x = rng.nextInt(CANVAS - w + 1);
                int[] b = {y, y + h, x, x + w};
                if (clear(b, taken)) box = b;
            }
            if (box == null) return null;
            taken.add(box);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int i = c * CANVAS * CANVAS + (box[0] + y) * CANVAS + box[2] + x;
                        img[i] = Math.max(img[i], patch[(tb[0] + y) * ITEM + tb[2] + x] * o.rgb()[c]);
                    }
        }
        for (int i = 0; i < img.length; i++) img[i] = img[i] * 2f - 1f;
        return new FloatTensor(new int[]{3, CANVAS, CANVAS}, img);
    }

    private static boolean clear(int[] b, List<int[]> others) {
        for (int[] o : others)
            if (b[0] < o[1] + 1 && o[0] < b[1] + 1 && b[2] < o[3] + 1 && o[2] < b[3] + 1) return false;
        return true;
    }

    /** Bounding box of pixels > 10, centred in a square, area-downscaled (adaptive average) to 14x14, in [0,1]. */
    static float[] downscale(byte[] img28) {
        int r0 = 28, r1 = -1, c0 = 28, c1 = -1;
        for (int i = 0; i < 784; i++)
            if ((img28[i] & 0xff) > 10) {
                r0 = Math.min(r0, i / 28); r1 = Math.max(r1, i / 28);
                c0 = Math.min(c0, i % 28); c1 = Math.max(c1, i % 28);
            }
        if (r1 < 0) return new float[ITEM * ITEM];
        int h = r1 - r0 + 1, w = c1 - c0 + 1, s = Math.max(h, w), oy = (s - h) / 2, ox = (s - w) / 2;
        float[] sq = new float[s * s];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) sq[(oy + y) * s + ox + x] = (img28[(r0 + y) * 28 + c0 + x] & 0xff) / 255f;
        float[] out = new float[ITEM * ITEM];
        for (int i = 0; i < ITEM; i++) {
            int ys = (i * s) / ITEM, ye = -Math.floorDiv(-(i + 1) * s, ITEM);
            for (int j = 0; j < ITEM; j++) {
                int xs = (j * s) / ITEM, xe = -Math.floorDiv(-(j + 1) * s, ITEM);
                float sum = 0;
                for (int y = ys; y < ye; y++) for (int x = xs; x < xe; x++) sum += sq[y * s + x];
                out[i * ITEM + j] = sum / ((ye - ys) * (xe - xs));
            }
        }
        return out;
    }

    static int[] tightBox(float[] patch) {
        int r0 = ITEM, r1 = -1, c0 = ITEM, c1 = -1;
        for (int i = 0; i < patch.length; i++)
            if (patch[i] > 0.05f) {
                r0 = Math.min(r0, i / ITEM); r1 = Math.max(r1, i / ITEM);
                c0 = Math.min(c0, i % ITEM); c1 = Math.max(c1, i % ITEM);
            }
        return r1 < 0 ? new int[]{0, 1, 0, 1} : new int[]{r0, r1 + 1, c0, c1 + 1};
    }
}
