package dnd.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnd.common.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ArtifactsTest {

    @Test
    void aFourChannelLatentIsPreviewedThroughItsFirstThreeChannels() throws Exception {
        float[] x = new float[4 * 2 * 2];
        for (int i = 0; i < 4; i++) x[i] = 1;         // channel 0 (red) bright
        for (int i = 12; i < 16; i++) x[i] = 1;       // channel 3 is not shown
        for (int i = 4; i < 12; i++) x[i] = -1;       // channels 1, 2 dark
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(Artifacts.png(new FloatTensor(new int[]{4, 2, 2}, x))));
        assertEquals(2, png.getWidth());
        assertEquals(0xFF0000, png.getRGB(1, 1) & 0xFFFFFF);
    }
}
