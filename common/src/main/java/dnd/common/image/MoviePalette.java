package dnd.common.image;

import java.util.Arrays;
import java.util.List;

/**
 * At most 256 colours for a whole allocation movie. When the movie has no more distinct colours
 * than that, the palette is exact; otherwise colours are grouped in 5-bit-per-channel bins, the
 * 256 most used bins become the palette (each its mean colour) and every other bin maps to its
 * nearest entry. Deterministic: ties are broken by colour value.
 *
 * <p>Primitive arrays throughout: a movie is tens of thousands of features per frame, and boxing
 * each one into a TreeSet or HashMap was a large part of rendering it.
 */
final class MoviePalette {

    private static final int BINS = 1 << 15;
    private static final int EXACT_SLOTS = 1024; // open addressing for at most 257 distinct colours: short probes

    private final int[] colours;
    /** Exact palettes: colour per slot, and its palette index + 1 (0 = empty slot). */
    private final int[] slotColour;
    private final short[] slotIndex;
    /** Binned palettes: palette index of each 5-bit bin, -1 where the movie has no colour in it. */
    private final short[] binIndex;

    private MoviePalette(int[] colours, int[] slotColour, short[] slotIndex, short[] binIndex) {
        this.colours = colours;
        this.slotColour = slotColour;
        this.slotIndex = slotIndex;
        this.binIndex = binIndex;
    }

    /** The palette (0xRRGGBB), at most 256 entries; exact palettes in ascending order. */
    int[] colours() { return colours.clone(); }

    int size() { return colours.length; }

    /** The palette index of a colour (0xRRGGBB) that occurs in the movie. */
    byte index(int rgb) {
        int i;
        if (binIndex != null) {
            i = binIndex[bin(rgb)];
        } else {
            int s = slot(slotColour, slotIndex, rgb);
            i = slotIndex[s] - 1;
        }
        if (i < 0) throw new IllegalArgumentException("colour " + Integer.toHexString(rgb) + " is not in the movie");
        return (byte) i;
    }

    static MoviePalette of(List<int[]> frames) {
        int[] slotColour = new int[EXACT_SLOTS];
        short[] slotIndex = new short[EXACT_SLOTS];
        int distinct = 0;
        scan:
        for (int[] f : frames)
            for (int c : f) {
                int s = slot(slotColour, slotIndex, c);
                if (slotIndex[s] != 0) continue;
                if (++distinct > 256) break scan;
                slotColour[s] = c;
                slotIndex[s] = 1; // occupied; the real index is set once the colours are sorted
            }
        return distinct <= 256 ? exact(slotColour, slotIndex, distinct) : binned(frames);
    }

    private static MoviePalette exact(int[] slotColour, short[] slotIndex, int distinct) {
        int[] colours = new int[distinct];
        int n = 0;
        for (int s = 0; s < EXACT_SLOTS; s++) if (slotIndex[s] != 0) colours[n++] = slotColour[s];
        Arrays.sort(colours);
        for (int i = 0; i < distinct; i++) slotIndex[slot(slotColour, slotIndex, colours[i])] = (short) (i + 1);
        return new MoviePalette(colours, slotColour, slotIndex, null);
    }

    /** The slot holding {@code rgb}, or the empty slot where it would go (linear probing). */
    private static int slot(int[] slotColour, short[] slotIndex, int rgb) {
        int s = (rgb * 0x9E3779B1) >>> 22; // 10 bits: EXACT_SLOTS
        while (slotIndex[s] != 0 && slotColour[s] != rgb) s = (s + 1) & (EXACT_SLOTS - 1);
        return s;
    }

    private static MoviePalette binned(List<int[]> frames) {
        long[] stats = new long[4 * BINS]; // per bin: count, sum r, sum g, sum b
        for (int[] f : frames)
            for (int c : f) {
                int k = bin(c) << 2;
                stats[k]++;
                stats[k + 1] += (c >> 16) & 255;
                stats[k + 2] += (c >> 8) & 255;
                stats[k + 3] += c & 255;
            }
        // most used first, ties by bin: the sort key is (huge - count, bin)
        long[] order = new long[BINS];
        int used = 0;
        for (int k = 0; k < BINS; k++) if (stats[k << 2] > 0) order[used++] = ((1L << 47) - stats[k << 2]) << 15 | k;
        Arrays.sort(order, 0, used);
        int size = Math.min(256, used);
        int[] colours = new int[size];
        for (int i = 0; i < size; i++) {
            int k = (int) (order[i] & (BINS - 1)) << 2;
            double count = stats[k];
            colours[i] = (int) (Math.round(stats[k + 1] / count) << 16 | Math.round(stats[k + 2] / count) << 8 | Math.round(stats[k + 3] / count));
        }
        short[] binIndex = new short[BINS];
        Arrays.fill(binIndex, (short) -1);
        Nearest nearest = new Nearest(colours);
        for (int o = 0; o < used; o++) {
            int bin = (int) (order[o] & (BINS - 1)), k = bin << 2;
            double count = stats[k];
            binIndex[bin] = (short) nearest.of(stats[k + 1] / count, stats[k + 2] / count, stats[k + 3] / count);
        }
        return new MoviePalette(colours, null, null, binIndex);
    }

    private static int bin(int rgb) { return ((rgb >> 19) & 31) << 10 | ((rgb >> 11) & 31) << 5 | ((rgb >> 3) & 31); }
}
