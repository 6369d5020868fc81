package dnd.eval;

/**
 * The classifier's input convention (training/train_classifier.py "canonical crop"): the
 * bounding box of the pixels above {@code threshold} times the maximum, zero-padded to a centred
 * square and resized bilinearly to 28x28 as PyTorch's {@code F.interpolate(mode="bilinear",
 * align_corners=False)} does (float32 arithmetic, same operation order).
 */
public final class CanonicalCrop {

    public static final int SIZE = 28;

    private CanonicalCrop() {}

    /** @param crop grey values [h*w] row-major, >= 0; returns [28*28] row-major. */
    public static float[] of(float[] crop, int h, int w, double threshold) {
        float max = 0f;
        for (float x : crop) max = Math.max(max, x);
        float thr = (float) (threshold * Math.max((double) max, 1e-6));
        int r0 = Integer.MAX_VALUE, r1 = -1, c0 = Integer.MAX_VALUE, c1 = -1;
        for (int i = 0; i < crop.length; i++)
            if (crop[i] > thr) {
                r0 = Math.min(r0, i / w); r1 = Math.max(r1, i / w);
                c0 = Math.min(c0, i % w); c1 = Math.max(c1, i % w);
            }
        if (r1 < 0) return new float[SIZE * SIZE];
        int bh = r1 - r0 + 1, bw = c1 - c0 + 1, s = Math.max(bh, bw);
        int oy = (s - bh) / 2, ox = (s - bw) / 2;
        float[] sq = new float[s * s];
        for (int y = 0; y < bh; y++)
            System.arraycopy(crop, (r0 + y) * w + c0, sq, (oy + y) * s + ox, bw);
        return resizeBilinear(sq, s, s, SIZE, SIZE);
    }

    /** Bilinear resize with half-pixel centres (align_corners=false), clamped at the border. */
    static float[] resizeBilinear(float[] in, int ih, int iw, int oh, int ow) {
        int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
        float[] ly0 = new float[oh], ly1 = new float[oh], lx0 = new float[ow], lx1 = new float[ow];
        axis(ih, oh, y0, y1, ly0, ly1);
        axis(iw, ow, x0, x1, lx0, lx1);
        float[] out = new float[oh * ow];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                float top = in[y0[y] * iw + x0[x]] * lx0[x] + in[y0[y] * iw + x1[x]] * lx1[x];
                float bottom = in[y1[y] * iw + x0[x]] * lx0[x] + in[y1[y] * iw + x1[x]] * lx1[x];
                out[y * ow + x] = top * ly0[y] + bottom * ly1[y];
            }
        return out;
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] l0, float[] l1) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = scale * (d + 0.5f) - 0.5f;
            if (src < 0f) src = 0f;
            int lo = (int) src;
            i0[d] = lo;
            i1[d] = lo < in - 1 ? lo + 1 : lo;
            l1[d] = src - lo;
            l0[d] = 1f - l1[d];
        }
    }
}
