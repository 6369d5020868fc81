package dnd.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Our GIF encoder, read back by ImageIO's decoder: every pixel of every frame, and the blocks around them. */
class GifWriterTest {

    @Test
    void everyPaletteSizeAndCodeSizeDecodesExactly() throws Exception {
        Random random = new Random(5);
        for (int size : new int[]{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 32, 33, 64, 65, 128, 129, 255, 256}) {
            int[] palette = palette(size, random);
            int w = 13, h = 7, scale = 3;
            GifWriter gif = new GifWriter(w, h, scale, palette);
            List<byte[]> frames = new ArrayList<>();
            for (int f = 0; f < 3; f++) {
                byte[] indices = new byte[w * h];
                for (int j = 0; j < indices.length; j++) indices[j] = (byte) random.nextInt(size);
                frames.add(indices);
                gif.frame(indices, 3 + f);
            }
            byte[] bytes = gif.finish();
            assertEquals("GIF89a", new String(bytes, 0, 6, StandardCharsets.US_ASCII));
            assertEquals(0x3B, bytes[bytes.length - 1]);
            DecodedGif decoded = DecodedGif.of(bytes);
            assertEquals(Math.max(2, Integer.highestOneBit(size * 2 - 1)), decoded.globalTableSize(), "table for " + size + " colours");
            assertEquals(w * scale, decoded.width());
            assertEquals(h * scale, decoded.height());
            assertEquals(3, decoded.frames().size());
            for (int f = 0; f < 3; f++) {
                assertEquals(3 + f, decoded.frames().get(f).delayCentis());
                byte[] indices = frames.get(f);
                decoded.frames().get(f).assertPixels(w, h, scale, j -> palette[indices[j] & 0xFF], size + " colours, frame " + f);
            }
        }
    }

    /** Random indices over 256 colours: LZW finds few repeats, uses up its 4096 codes again and again and must restart its table. */
    @Test
    void tableRestartsOnNoisyFramesDecodeExactly() throws Exception {
        Random random = new Random(9);
        int[] palette = palette(256, random);
        int w = 320, h = 240;
        GifWriter gif = new GifWriter(w, h, 1, palette);
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            byte[] indices = new byte[w * h];
            for (int j = 0; j < indices.length; j++)
                indices[j] = (byte) (f == 1 ? (j % w) * (j / w) / 7 : random.nextInt(256)); // frame 1: long strings, 12-bit codes without noise
            frames.add(indices);
            gif.frame(indices, 10);
        }
        byte[] bytes = gif.finish();
        // more than 4096 codes (at most 12 bits each) per noisy frame: at least one restart each
        assertTrue(bytes.length > 2 * 4096 * 12 / 8, "only " + bytes.length + " bytes");
        DecodedGif decoded = DecodedGif.of(bytes);
        for (int f = 0; f < 3; f++) {
            byte[] indices = frames.get(f);
            decoded.frames().get(f).assertPixels(w, h, 1, j -> palette[indices[j] & 0xFF], "frame " + f);
        }
    }

    @Test
    void framesCarryTheControlExtensionAndTheFirstTheLoop() throws Exception {
        GifWriter gif = new GifWriter(2, 1, 2, new int[]{0x102030, 0x405060});
        gif.frame(new byte[]{0, 1}, 1);
        gif.frame(new byte[]{1, 0}, 65535);
        DecodedGif decoded = DecodedGif.of(gif.finish());
        assertEquals(2, decoded.frames().size());
        for (DecodedGif.Frame frame : decoded.frames()) {
            assertEquals("none", frame.disposal());
            assertFalse(frame.transparent());
            assertFalse(frame.interlaced());
            assertFalse(frame.localTable());
        }
        assertEquals(65535, decoded.frames().get(1).delayCentis());
        assertArrayEquals(new byte[]{1, 0, 0}, decoded.frames().get(0).netscapeLoop(), "NETSCAPE2.0, loop count 0: forever");
    }

    @Test
    void rejectsWhatAGifCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> new GifWriter(0, 4, 1, new int[]{0}));
        assertThrows(IllegalArgumentException.class, () -> new GifWriter(4, 4, 20000, new int[]{0}));
        assertThrows(IllegalArgumentException.class, () -> new GifWriter(4, 4, 1, new int[257]));
        assertThrows(IllegalArgumentException.class, () -> new GifWriter(4, 4, 1, new int[0]));
        GifWriter gif = new GifWriter(2, 2, 1, new int[]{0, 1});
        assertThrows(IllegalArgumentException.class, () -> gif.frame(new byte[3], 10));
        assertThrows(IllegalArgumentException.class, () -> gif.frame(new byte[4], 65536));
        assertThrows(IllegalArgumentException.class, () -> gif.frame(new byte[]{0, 1, 2, 0}, 10), "index 2 of 2 colours");
    }

    private static int[] palette(int size, Random random) {
        Set<Integer> seen = new LinkedHashSet<>();
        while (seen.size() < size) seen.add(random.nextInt(1 << 24));
        return seen.stream().mapToInt(Integer::intValue).toArray();
    }
}
