package dnd.common.image;

import java.util.Arrays;

/**
 * The palette entry nearest a colour: least squared RGB distance, the lowest index among equals,
 * exactly as a scan of every entry from 0 would find it. Entries are searched outwards from the
 * colour's red value, nearest red first, until the red distance alone exceeds the best: a quarter
 * of the distances of a full scan for a binned movie's thousands of bins.
 */
final class Nearest {

    private final int[] colours;
    private final int[] byRed; // palette indices by red, then index
    private final int[] reds;  // red of byRed[k]

    Nearest(int[] colours) {
        this.colours = colours;
        long[] keys = new long[colours.length];
        for (int i = 0; i < colours.length; i++) keys[i] = (long) ((colours[i] >> 16) & 255) << 32 | i;
        Arrays.sort(keys);
        byRed = new int[keys.length];
        reds = new int[keys.length];
        for (int k = 0; k < keys.length; k++) {
            byRed[k] = (int) keys[k];
            reds[k] = (int) (keys[k] >>> 32);
        }
    }

    int of(double r, double g, double b) {
        int hi = firstRedAtLeast(r), lo = hi - 1, best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        while (true) {
            double up = hi < reds.length ? square(r - reds[hi]) : Double.POSITIVE_INFINITY;
            double down = lo >= 0 ? square(r - reds[lo]) : Double.POSITIVE_INFINITY;
            // an entry's distance is at least its red term, in floating point too (adding non-negative terms never rounds
            // below), and red terms only grow outwards: once both sides' exceed the best, no entry further out can win
            if (Math.min(up, down) > bestD) return best;
            int i = up <= down ? byRed[hi++] : byRed[lo--];
            double d = distance(colours[i], r, g, b);
            if (d < bestD || d == bestD && i < best) {
                bestD = d;
                best = i;
            }
        }
    }

    private int firstRedAtLeast(double r) {
        int lo = 0, hi = reds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (reds[mid] < r) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static double square(double v) { return v * v; }

    /** As the plain scan computes it: the same operations in the same order give the same double. */
    private static double distance(int c, double r, double g, double b) {
        double dr = r - ((c >> 16) & 255), dg = g - ((c >> 8) & 255), db = b - (c & 255);
        return dr * dr + dg * dg + db * db;
    }
}
