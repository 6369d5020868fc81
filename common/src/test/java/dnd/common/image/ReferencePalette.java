package dnd.common.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The movie palette as first written, with boxed sets and maps and a full nearest-entry scan: the
 * definition MoviePalette's faster build must keep to, entry for entry and index for index.
 */
record ReferencePalette(int[] colours, Map<Integer, Integer> indexOf, boolean exact) {

    int index(int rgb) { return indexOf.get(exact ? rgb : bin(rgb)); }

    static ReferencePalette of(List<int[]> frames) {
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int[] f : frames) for (int c : f) distinct.add(c);
        Map<Integer, Integer> index = new HashMap<>();
        if (distinct.size() <= 256) {
            int[] colours = distinct.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < colours.length; i++) index.put(colours[i], i);
            return new ReferencePalette(colours, index, true);
        }
        Map<Integer, long[]> bins = new HashMap<>(); // count, sum r, sum g, sum b
        for (int[] f : frames)
            for (int c : f) {
                long[] b = bins.computeIfAbsent(bin(c), k -> new long[4]);
                b[0]++;
                b[1] += (c >> 16) & 255;
                b[2] += (c >> 8) & 255;
                b[3] += c & 255;
            }
        List<Integer> order = new ArrayList<>(bins.keySet());
        order.sort(Comparator.<Integer>comparingLong(k -> -bins.get(k)[0]).thenComparing(Comparator.naturalOrder()));
        int[] colours = new int[Math.min(256, order.size())];
        for (int i = 0; i < colours.length; i++) {
            long[] b = bins.get(order.get(i));
            colours[i] = (int) (Math.round((double) b[1] / b[0]) << 16 | Math.round((double) b[2] / b[0]) << 8 | Math.round((double) b[3] / b[0]));
        }
        for (int key : order) {
            long[] b = bins.get(key);
            double r = (double) b[1] / b[0], g = (double) b[2] / b[0], bl = (double) b[3] / b[0];
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int i = 0; i < colours.length; i++) {
                double dr = r - ((colours[i] >> 16) & 255), dg = g - ((colours[i] >> 8) & 255), db = bl - (colours[i] & 255);
                double d = dr * dr + dg * dg + db * db;
                if (d < bestD) {
                    bestD = d;
                    best = i;
                }
            }
            index.put(key, best);
        }
        return new ReferencePalette(colours, index, false);
    }

    private static int bin(int rgb) { return ((rgb >> 19) & 31) << 10 | ((rgb >> 11) & 31) << 5 | ((rgb >> 3) & 31); }
}
