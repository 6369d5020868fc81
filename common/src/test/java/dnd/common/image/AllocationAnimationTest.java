package dnd.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** The allocation movie read back by ImageIO: every pixel of every frame, its timing and looping, with exact and with binned palettes. */
class AllocationAnimationTest {

    /** Two players and the fictitious one on 8x8 features; feature 0 is player 0's, feature 1 player 1's, the rest mixed. */
    private static float[][] step(int k) {
        float[][] q = new float[3][64];
        for (int j = 0; j < 64; j++) {
            float a = (j * 37 + k * 11) % 997 / 997f;
            q[0][j] = a * 0.9f;
            q[1][j] = (1 - a) * 0.9f;
            q[2][j] = 0.1f;
        }
        q[0][0] = 1; q[1][0] = 0; q[2][0] = 0;
        q[0][1] = 0; q[1][1] = 1; q[2][1] = 0;
        return q;
    }

    /** A movie with far more than 256 colour mixes: one shared palette keeps owners' colours close, and the bytes are the same every time. */
    @Test
    void manyMixesKeepTheOwnersColoursCloseAndTheBytesStable() throws Exception {
        List<float[][]> frames = new ArrayList<>();
        for (int k = 0; k < 30; k++) frames.add(step(k));
        byte[] gif = AllocationAnimation.gif(frames, 2, 8, 8, 4, 100);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            assertEquals(30, reader.getNumImages(true));
            for (int f = 0; f < 30; f++) {
                BufferedImage img = reader.read(f);
                assertTrue(distance(img.getRGB(1, 1), AllocationAnimation.PALETTE[0]) <= 12, "frame " + f + ": player 0's colour");
                assertTrue(distance(img.getRGB(5, 1), AllocationAnimation.PALETTE[1]) <= 12, "frame " + f + ": player 1's colour");
            }
        } finally {
            reader.dispose();
        }
        assertArrayEquals(gif, AllocationAnimation.gif(frames, 2, 8, 8, 4, 100));
    }

    /** Few enough mixes for an exact palette: every pixel is sum_i Q_ij colour_i itself, each frame shown 70 ms, looping. */
    @Test
    void exactMovieDecodesToTheMixedColoursWithItsTimingAndLoop() throws Exception {
        int players = 3, h = 5, w = 6, scale = 3;
        float[] levels = {0, 0.25f, 0.5f, 0.75f, 1};
        List<float[][]> frames = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            float[][] q = new float[players + 1][h * w];
            for (int i = 0; i <= players; i++) for (int j = 0; j < h * w; j++) q[i][j] = levels[(i * 7 + j * 3 + k * 5 + i * j) % levels.length];
            frames.add(q);
        }
        List<int[]> colours = new ArrayList<>();
        for (float[][] q : frames) {
            int[] c = new int[h * w];
            for (int j = 0; j < h * w; j++) c[j] = mix(q, players, j);
            colours.add(c);
        }
        assertTrue(ReferencePalette.of(colours).exact(), "at most 256 colours");
        DecodedGif gif = DecodedGif.of(AllocationAnimation.gif(frames, players, h, w, scale, 70));
        assertEquals(4, gif.frames().size());
        assertEquals(w * scale, gif.width());
        assertEquals(h * scale, gif.height());
        assertArrayEquals(new byte[]{1, 0, 0}, gif.frames().get(0).netscapeLoop(), "NETSCAPE2.0 loop count 0: forever");
        for (int k = 0; k < 4; k++) {
            DecodedGif.Frame frame = gif.frames().get(k);
            assertEquals(7, frame.delayCentis());
            assertEquals("none", frame.disposal());
            int[] c = colours.get(k);
            frame.assertPixels(w, h, scale, j -> c[j], "frame " + k);
        }
    }

    /** More than 256 mixes: every pixel is the binned palette's entry for its colour, as the reference palette defines it. */
    @Test
    void binnedMovieDecodesToTheBinnedPalette() throws Exception {
        int players = 2, h = 16, w = 16, scale = 2;
        List<float[][]> frames = new ArrayList<>();
        List<int[]> colours = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            float[][] q = new float[players + 1][h * w];
            for (int j = 0; j < h * w; j++) {
                float a = (float) (0.5 + 0.5 * Math.sin(j * 0.37 + k)), b = (float) (0.5 + 0.5 * Math.cos(j * 0.11 - k * 0.7));
                q[0][j] = a * b;
                q[1][j] = (1 - a) * b;
                q[2][j] = 1 - b;
            }
            frames.add(q);
            int[] c = new int[h * w];
            for (int j = 0; j < h * w; j++) c[j] = mix(q, players, j);
            colours.add(c);
        }
        ReferencePalette reference = ReferencePalette.of(colours);
        assertFalse(reference.exact(), "the movie has more than 256 colours");
        DecodedGif gif = DecodedGif.of(AllocationAnimation.gif(frames, players, h, w, scale, 100));
        assertEquals(6, gif.frames().size());
        for (int k = 0; k < 6; k++) {
            int[] c = colours.get(k);
            gif.frames().get(k).assertPixels(w, h, scale, j -> reference.colours()[reference.index(c[j])], "frame " + k);
        }
    }

    /** One colour and two colours: the smallest table (2 entries) and code size (2 bits), and a 5 ms delay shown as 1/100 s. */
    @Test
    void oneAndTwoColourMoviesDecodeExactly() throws Exception {
        float[][] nobody = new float[2][12], player0 = new float[2][12], checker = new float[2][12];
        for (int j = 0; j < 12; j++) {
            player0[0][j] = 1;
            checker[j % 2][j] = 1;
        }
        for (List<float[][]> movie : List.of(List.of(nobody, nobody), List.<float[][]>of(player0), List.of(checker, player0, checker))) {
            DecodedGif gif = DecodedGif.of(AllocationAnimation.gif(movie, 2, 3, 4, 5, 5));
            assertEquals(2, gif.globalTableSize());
            assertEquals(movie.size(), gif.frames().size());
            for (int k = 0; k < movie.size(); k++) {
                float[][] q = movie.get(k);
                assertEquals(1, gif.frames().get(k).delayCentis());
                gif.frames().get(k).assertPixels(4, 3, 5, j -> mix(q, 2, j), "frame " + k);
            }
        }
        assertEquals(0, mix(nobody, 2, 0));
    }

    @Test
    void rejectsAllocationsOfTheWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> AllocationAnimation.gif(List.of(), 2, 2, 2, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> AllocationAnimation.gif(List.<float[][]>of(new float[1][4]), 2, 2, 2, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> AllocationAnimation.gif(List.<float[][]>of(new float[2][5]), 2, 2, 2, 1, 100));
    }

    /** sum_i Q_ij colour_i per channel, rounded and clamped; rows beyond the players are grey. */
    private static int mix(float[][] q, int players, int j) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double sum = 0;
            for (int i = 0; i < q.length; i++) {
                int c = i < players ? AllocationAnimation.PALETTE[i % AllocationAnimation.PALETTE.length] : AllocationAnimation.FICTITIOUS;
                double v = Math.max(0, Math.min(1, q[i][j]));
                sum += v * (c >> shift & 255);
            }
            out |= (int) Math.max(0, Math.min(255, Math.round(sum))) << shift;
        }
        return out;
    }

    private static double distance(int a, int b) {
        int dr = ((a >> 16) & 255) - ((b >> 16) & 255), dg = ((a >> 8) & 255) - ((b >> 8) & 255), db = (a & 255) - (b & 255);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
