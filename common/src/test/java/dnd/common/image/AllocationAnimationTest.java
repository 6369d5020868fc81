package dnd.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** A movie with far more than 256 colour mixes: one shared palette keeps owners' colours close, and the bytes are the same every time. */
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

    private static double distance(int a, int b) {
        int dr = ((a >> 16) & 255) - ((b >> 16) & 255), dg = ((a >> 8) & 255) - ((b >> 8) & 255), db = (a & 255) - (b & 255);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
