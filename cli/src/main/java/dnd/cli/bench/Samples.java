package dnd.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of measured times. */
final class Samples {

    private Samples() {}

    static double median(double[] xs) { return quantile(xs, 0.5); }

    static double median(List<Double> xs) { return median(xs.stream().mapToDouble(Double::doubleValue).toArray()); }

    /** Linear interpolation between closest ranks; NaN for no samples. */
    static double quantile(double[] xs, double q) {
        if (xs.length == 0) return Double.NaN;
        double[] s = xs.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
