package dnd.common.compose;

import java.util.List;

/**
 * A spatial layout of players on the latent grid: binary masks from the players' regions (a
 * feature belongs to a region when its cell centre lies inside), or, when no player has a region,
 * equal vertical strips from left to right.
 */
final class Layout {

    private Layout() {}

    /** masks[i][j] in {0,1}, j = y * w + x. */
    static float[][] masks(List<PlayerSpec> players, int h, int w, String method) {
        int n = players.size();
        long withRegion = players.stream().filter(p -> p.region().isPresent()).count();
        if (withRegion != 0 && withRegion != n)
            throw new IllegalArgumentException("method " + method + ": give a region to every player or to none (" + withRegion + " of " + n + " have one)");
        float[][] masks = new float[n][h * w];
        for (int i = 0; i < n; i++) {
            double x0, x1, y0 = 0, y1 = 1;
            if (withRegion == 0) { x0 = (double) i / n; x1 = (double) (i + 1) / n; }
            else {
                PlayerSpec.Region r = players.get(i).region().get();
                x0 = r.x0(); x1 = r.x1(); y0 = r.y0(); y1 = r.y1();
            }
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double cx = (x + 0.5) / w, cy = (y + 0.5) / h;
                    if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1) masks[i][y * w + x] = 1;
                }
        }
        return masks;
    }

    /** Blend weights W_i = M_i / sum_k M_k; features no mask covers are shared equally. */
    static double[][] weights(float[][] masks) {
        int n = masks.length, m = masks[0].length;
        double[][] wts = new double[n][m];
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (float[] mk : masks) s += mk[j];
            for (int i = 0; i < n; i++) wts[i][j] = s > 0 ? masks[i][j] / s : 1.0 / n;
        }
        return wts;
    }
}
