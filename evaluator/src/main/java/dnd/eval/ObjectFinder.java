package dnd.eval;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds object candidates on a canvas, step by step as training/evaluator.py's find_parts:
 * threshold the intensity, dilate 3x3, take 8-connected components (row-major order), drop the
 * small ones, and split an over-large component with a 2-means on its pixel positions (at most
 * {@code maxSplitDepth} times), so that touching objects become separate parts.
 */
public final class ObjectFinder {

    private final FinderConfig config;

    public ObjectFinder(FinderConfig config) { this.config = config; }

    public List<Part> find(Canvas canvas) {
        int h = canvas.height(), w = canvas.width(), n = canvas.pixels();
        boolean[] fg = new boolean[n];
        float thr = (float) config.threshold();
        for (int i = 0; i < n; i++) fg[i] = canvas.v()[i] > thr;
        boolean[] dil = dilate3(fg, h, w);
        int[] labels = new int[n];
        int count = components8(dil, h, w, labels);
        List<Part> parts = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            boolean[] comp = new boolean[n];
            for (int i = 0; i < n; i++) comp[i] = labels[i] == k;
            if (countAnd(comp, fg) < config.minPixels()) continue;
            split(comp, fg, h, w, parts);
        }
        return parts;
    }

    /** The breadth-first split queue of find_parts for one component. */
    private void split(boolean[] comp, boolean[] fg, int h, int w, List<Part> parts) {
        record Region(boolean[] mask, int depth) {}
        ArrayDeque<Region> queue = new ArrayDeque<>();
        queue.add(new Region(comp, 0));
        while (!queue.isEmpty()) {
            Region reg = queue.poll();
            boolean[] p = and(reg.mask(), fg);
            int[] pts = indices(p);
            int r0 = Integer.MAX_VALUE, r1 = -1, c0 = Integer.MAX_VALUE, c1 = -1;
            for (int i : pts) {
                r0 = Math.min(r0, i / w); r1 = Math.max(r1, i / w);
                c0 = Math.min(c0, i % w); c1 = Math.max(c1, i % w);
            }
            boolean big = pts.length > config.splitIfAreaOver() || Math.max(r1 - r0 + 1, c1 - c0 + 1) > config.splitIfSideOver();
            if (!big || reg.depth() >= config.maxSplitDepth()) {
                parts.add(new Part(p, reg.mask(), pts.length));
                continue;
            }
            double[][] cen = twoMeans(pts, w, config.kmeansIters());
            boolean[][] sub = {new boolean[p.length], new boolean[p.length]};
            for (int i : indices(reg.mask())) sub[nearer(i / w, i % w, cen)][i] = true;
            for (boolean[] s : sub)
                if (countAnd(s, fg) >= config.minPixels()) queue.add(new Region(s, reg.depth() + 1));
        }
    }

    /**
     * 2-means on (row, col) of the given pixels: centroids start at the first and last pixel
     * along the longer bounding-box axis (stable order), then Lloyd iterations; returns the
     * centroids after the last update. Coordinates are small integers, so sums are exact.
     */
    static double[][] twoMeans(int[] pts, int w, int iters) {
        int n = pts.length;
        int rMin = Integer.MAX_VALUE, rMax = Integer.MIN_VALUE, cMin = Integer.MAX_VALUE, cMax = Integer.MIN_VALUE;
        for (int i : pts) {
            rMin = Math.min(rMin, i / w); rMax = Math.max(rMax, i / w);
            cMin = Math.min(cMin, i % w); cMax = Math.max(cMax, i % w);
        }
        boolean byRow = (rMax - rMin) >= (cMax - cMin);
        // stable argsort on the chosen axis: first = smallest key, earliest in scan order;
        // last = largest key, latest in scan order among equals
        int first = -1, last = -1;
        for (int i : pts) {
            int key = byRow ? i / w : i % w;
            if (first < 0 || key < (byRow ? first / w : first % w)) first = i;
            if (last < 0 || key >= (byRow ? last / w : last % w)) last = i;
        }
        double[][] c = {{first / w, first % w}, {last / w, last % w}};
        for (int it = 0; it < iters; it++) {
            double[][] sum = new double[2][2];
            int[] cnt = new int[2];
            for (int i : pts) {
                int a = nearer(i / w, i % w, c);
                sum[a][0] += i / w;
                sum[a][1] += i % w;
                cnt[a]++;
            }
            for (int k = 0; k < 2; k++)
                if (cnt[k] > 0) c[k] = new double[]{sum[k][0] / cnt[k], sum[k][1] / cnt[k]};
        }
        return c;
    }

    /** 1 when strictly nearer to centroid 1, else 0 (ties go to centroid 0). */
    private static int nearer(int r, int col, double[][] c) {
        double d0 = sq(r - c[0][0]) + sq(col - c[0][1]);
        double d1 = sq(r - c[1][0]) + sq(col - c[1][1]);
        return d1 < d0 ? 1 : 0;
    }

    private static double sq(double x) { return x * x; }

    static boolean[] dilate3(boolean[] m, int h, int w) {
        boolean[] out = new boolean[m.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean on = false;
                for (int dy = -1; dy <= 1 && !on; dy++)
                    for (int dx = -1; dx <= 1 && !on; dx++) {
                        int ny = y + dy, nx = x + dx;
                        on = ny >= 0 && ny < h && nx >= 0 && nx < w && m[ny * w + nx];
                    }
                out[y * w + x] = on;
            }
        return out;
    }

    /** Labels 1..n in row-major order of each component's first pixel; returns n. */
    static int components8(boolean[] m, int h, int w, int[] labels) {
        Arrays.fill(labels, 0);
        int n = 0;
        int[] stack = new int[m.length];
        for (int start = 0; start < m.length; start++) {
            if (!m[start] || labels[start] != 0) continue;
            labels[start] = ++n;
            int top = 0;
            stack[top++] = start;
            while (top > 0) {
                int cur = stack[--top], cy = cur / w, cx = cur % w;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int ny = cy + dy, nx = cx + dx;
                        if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
                        int j = ny * w + nx;
                        if (m[j] && labels[j] == 0) {
                            labels[j] = n;
                            stack[top++] = j;
                        }
                    }
            }
        }
        return n;
    }

    private static boolean[] and(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] && b[i];
        return out;
    }

    private static int countAnd(boolean[] a, boolean[] b) {
        int c = 0;
        for (int i = 0; i < a.length; i++) if (a[i] && b[i]) c++;
        return c;
    }

    private static int[] indices(boolean[] m) {
        int c = 0;
        for (boolean b : m) if (b) c++;
        int[] out = new int[c];
        int k = 0;
        for (int i = 0; i < m.length; i++) if (m[i]) out[k++] = i;
        return out;
    }
}
