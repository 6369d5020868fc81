package dnd.common.image;

import static org.junit.jupiter.api.Assertions.*;

import dnd.common.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class ImagesTest {

    @Test
    void latentBecomesAnUpscaledPng() throws Exception {
        // 3x2x2: pixel (0,0) red, (0,1) white, (1,0) black, (1,1) mid grey
        float[] d = {1, 1, -1, 0, -1, 1, -1, 0, -1, 1, -1, 0};
        byte[] png = Images.png(new FloatTensor(new int[]{3, 2, 2}, d), 3);
        assertEquals((byte) 0x89, png[0]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(6, img.getWidth());
        assertEquals(6, img.getHeight());
        assertEquals(0xFF0000, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFF0000, img.getRGB(2, 2) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(3, 0) & 0xFFFFFF);
        assertEquals(0x000000, img.getRGB(0, 3) & 0xFFFFFF);
        assertEquals(0x808080, img.getRGB(5, 5) & 0xFFFFFF);
        BufferedImage grey = ImageIO.read(new ByteArrayInputStream(Images.png(new FloatTensor(new int[]{1, 1, 2}, new float[]{-1, 2}), 1)));
        assertEquals(0x000000, grey.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, grey.getRGB(1, 0) & 0xFFFFFF);
        var e = assertThrows(IllegalArgumentException.class, () -> Images.png(FloatTensor.zeros(4, 2, 2), 1));
        assertTrue(e.getMessage().contains("[4, 2, 2]"));
    }

    @Test
    void allocationAnimationHasOneFramePerStepInPlayerColours() throws Exception {
        float[][] left = {{1, 0, 1, 0}, {0, 1, 0, 1}};    // player 0 owns column 0, player 1 column 1
        float[][] mixed = {{0.5f, 0.5f, 0.5f, 0.5f}, {0, 0, 0, 0}, {0.5f, 0.5f, 0.5f, 0.5f}};  // with a fictitious row
        byte[] gif = AllocationAnimation.gif(List.of(left, mixed, left), 2, 2, 2, 4, 200);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true));
            BufferedImage f0 = reader.read(0);
            assertEquals(8, f0.getWidth());
            assertClose(AllocationAnimation.PALETTE[0], f0.getRGB(0, 0));
            assertClose(AllocationAnimation.PALETTE[1], f0.getRGB(7, 7));
            BufferedImage f1 = reader.read(1);
            int c = AllocationAnimation.PALETTE[0];
            int expect = (((c >> 16 & 255) + 128) / 2 << 16) | (((c >> 8 & 255) + 128) / 2 << 8) | ((c & 255) + 128) / 2;
            assertClose(expect, f1.getRGB(1, 1));
        }
    }

    @Test
    void contactSheetLaysOutImagesWithLabels() throws Exception {
        BufferedImage a = Images.toImage(new FloatTensor(new int[]{1, 4, 4}, new float[16]), 4);
        BufferedImage sheet = ContactSheet.compose(List.of(a, a, a), List.of("dnd", "avg", "md"), 2);
        assertEquals(4 + 2 * (16 + 4), sheet.getWidth());
        assertEquals(4 + 2 * (16 + 11 + 4), sheet.getHeight());
        // the label row under the first image has ink
        int ink = 0;
        for (int y = 4 + 16; y < 4 + 16 + 11; y++) for (int x = 4; x < 20; x++) if ((sheet.getRGB(x, y) & 0xFFFFFF) == 0xF0F0F0) ink++;
        assertTrue(ink > 10, "ink " + ink);
        byte[] png = ContactSheet.png(List.of(a), List.of(), 3);
        assertEquals(24, ImageIO.read(new ByteArrayInputStream(png)).getWidth());
        assertThrows(IllegalArgumentException.class, () -> ContactSheet.compose(List.of(a), List.of("x", "y"), 1));
    }

    private static void assertClose(int expected, int actual) {
        for (int shift = 0; shift <= 16; shift += 8)
            assertEquals((expected >> shift) & 255, (actual >> shift) & 255, 12, "channel at shift " + shift + " of " + Integer.toHexString(actual));
    }
}
