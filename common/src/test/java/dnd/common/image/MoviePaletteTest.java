package dnd.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The primitive-array palette gives exactly the reference palette: same entries, same order, same index for every colour. */
class MoviePaletteTest {

    @Test
    void exactPaletteIsTheSortedDistinctColours() {
        List<int[]> movie = List.of(new int[]{0x00FF00, 0x000001, 0xFFFFFF, 0x00FF00}, new int[]{0x000001, 0x123456, 0, 0});
        MoviePalette palette = MoviePalette.of(movie);
        assertArrayEquals(new int[]{0, 0x000001, 0x00FF00, 0x123456, 0xFFFFFF}, palette.colours());
        assertEquals(3, palette.index(0x123456));
        assertEquals(0, palette.index(0));
        assertThrows(IllegalArgumentException.class, () -> palette.index(0x123457));
        assertSameAsReference(movie);
    }

    @Test
    void twoHundredFiftySixColoursStayExactAndOneMoreIsBinned() {
        int[] colours = new int[257];
        for (int i = 0; i < 257; i++) colours[i] = (i >> 4) << 16 | (i & 15) << 8 | i % 3; // neighbours share 5-bit bins: binning merges them
        List<int[]> exact = List.of(Arrays.copyOf(colours, 256)), binned = List.of(colours);
        assertEquals(256, MoviePalette.of(exact).size());
        assertSameAsReference(exact);
        assertTrue(MoviePalette.of(binned).size() < 257);
        assertSameAsReference(binned);
    }

    @Test
    void binnedPalettesMatchTheReferenceOnRandomAndSmoothMovies() {
        Random random = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            List<int[]> movie = new ArrayList<>();
            for (int f = 0; f < 5; f++) {
                int[] frame = new int[900];
                for (int j = 0; j < frame.length; j++)
                    frame[j] = trial % 2 == 0 ? random.nextInt(1 << 24)                       // every bin about equally rare: many count ties
                            : mix(random.nextInt(8), random.nextInt(8), (j + f * 37) % 900 / 899.0); // mixtures of two player colours
                movie.add(frame);
            }
            assertSameAsReference(movie);
        }
    }

    @Test
    void equallyDistantEntriesGoToTheLowerIndexEitherWayRound() {
        for (boolean blackFirst : new boolean[]{true, false}) {
            List<int[]> movie = new ArrayList<>();
            List<Integer> pixels = new ArrayList<>();
            // 256 frequent bins, far from black except black and (16,0,0), which one of them uses more decides their order
            for (int i = 0; i < 254; i++) for (int k = 0; k < 4; k++) pixels.add(0x80 << 16 | (i / 16) * 8 << 8 | (i % 16) * 8 | 0x808080);
            for (int k = 0; k < (blackFirst ? 9 : 8); k++) pixels.add(0x000000);
            for (int k = 0; k < (blackFirst ? 8 : 9); k++) pixels.add(0x100000);
            pixels.add(0x080000); // its own rare bin, at squared distance 64 from both
            movie.add(pixels.stream().mapToInt(Integer::intValue).toArray());
            MoviePalette palette = MoviePalette.of(movie);
            assertEquals(blackFirst ? 0x000000 : 0x100000, palette.colours()[palette.index(0x080000)]);
            assertSameAsReference(movie);
        }
    }

    private static int mix(int a, int b, double t) {
        int ca = AllocationAnimation.PALETTE[a], cb = AllocationAnimation.PALETTE[b], out = 0;
        for (int shift = 0; shift <= 16; shift += 8)
            out |= (int) Math.round((1 - t) * (ca >> shift & 255) + t * (cb >> shift & 255)) << shift;
        return out;
    }

    private static void assertSameAsReference(List<int[]> movie) {
        ReferencePalette reference = ReferencePalette.of(movie);
        MoviePalette palette = MoviePalette.of(movie);
        assertArrayEquals(reference.colours(), palette.colours());
        for (int[] frame : movie)
            for (int c : frame) assertEquals(reference.index(c), palette.index(c) & 0xFF, "index of " + Integer.toHexString(c));
    }
}
