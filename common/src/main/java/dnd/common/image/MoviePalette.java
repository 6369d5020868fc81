package dnd.common.image;

import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * At most 256 colours for a whole allocation movie. When the movie has no more distinct colours
 * than that, the palette is exact; otherwise colours are grouped in 5-bit-per-channel bins, the
 * 256 most used bins become the palette (each its mean colour) and every other bin maps to its
 * nearest entry. Deterministic: ties are broken by colour value.
 */
final class MoviePalette {

    private final IndexColorModel model;
    private final Map<Integer, Byte> indexOf;
    private final boolean exact;

    private MoviePalette(IndexColorModel model, Map<Integer, Byte> indexOf, boolean exact) {
        this.model = model;
        this.indexOf = indexOf;
        this.exact = exact;
    }

    IndexColorModel model() { return model; }

    /** The palette index of a colour (0xRRGGBB) that occurs in the movie. */
    byte index(int rgb) {
        Byte i = indexOf.get(exact ? rgb : bin(rgb));
        if (i == null) throw new IllegalArgumentException("colour " + Integer.toHexString(rgb) + " is not in the movie");
        return i;
    }

    static MoviePalette of(List<int[]> frames) {
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int[] f : frames) for (int c : f) distinct.add(c);
        if (distinct.size() <= 256) {
            int[] colours = distinct.stream().mapToInt(Integer::intValue).toArray();
            Map<Integer, Byte> index = new HashMap<>();
            for (int i = 0; i < colours.length; i++) index.put(colours[i], (byte) i);
            return new MoviePalette(model(colours), index, true);
        }
        Map<Integer, long[]> bins = new HashMap<>(); // bin -> count, sum r, sum g, sum b
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
        int size = Math.min(256, order.size());
        int[] colours = new int[size];
        for (int i = 0; i < size; i++) {
            long[] b = bins.get(order.get(i));
            colours[i] = (int) (Math.round((double) b[1] / b[0]) << 16 | Math.round((double) b[2] / b[0]) << 8 | Math.round((double) b[3] / b[0]));
        }
        Map<Integer, Byte> index = new HashMap<>();
        for (int key : order) {
            long[] b = bins.get(key);
            double r = (double) b[1] / b[0], g = (double) b[2] / b[0], bl = (double) b[3] / b[0];
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                double dr = r - ((colours[i] >> 16) & 255), dg = g - ((colours[i] >> 8) & 255), db = bl - (colours[i] & 255);
                double d = dr * dr + dg * dg + db * db;
                if (d < bestD) {
                    bestD = d;
                    best = i;
                }
            }
            index.put(key, (byte) best);
        }
        return new MoviePalette(model(colours), index, false);
    }

    private static int bin(int rgb) { return ((rgb >> 19) & 31) << 10 | ((rgb >> 11) & 31) << 5 | ((rgb >> 3) & 31); }

    private static IndexColorModel model(int[] colours) {
        int n = Math.max(2, colours.length); // an IndexColorModel needs at least one entry; GIF pads to a power of two
        byte[] r = new byte[n], g = new byte[n], b = new byte[n];
        for (int i = 0; i < colours.length; i++) {
            r[i] = (byte) (colours[i] >> 16);
            g[i] = (byte) (colours[i] >> 8);
            b[i] = (byte) colours[i];
        }
        if (colours.length < n) Arrays.fill(r, colours.length, n, (byte) 0);
        return new IndexColorModel(8, n, r, g, b);
    }
}
