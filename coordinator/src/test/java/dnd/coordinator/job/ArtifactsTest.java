package dnd.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.common.compose.StepReport;
import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** The allocation movie: one frame per step, owners' colours where one player owns a feature, same bytes every time. */
class ArtifactsTest {

    private static final ModelCard CARD = new ModelCard("m", "1", "0", new int[] {3, 8, 8}, ScheduleSpec.linearDefault(), 4,
            Map.of(ModelCard.START, 0L, ModelCard.NULL, 1L, ModelCard.PAD, 2L, "bag", 3L), List.of("bag"), List.of(),
            new int[] {4, 4}, 3.0, 10, List.of("eps"), "test", false, "", 4);

    /** Two players and the fictitious one on 8x8 features; feature 0 is player 0's, feature 1 player 1's, the rest mixed by {@code mix}. */
    private static StepReport step(int k, boolean smooth) {
        float[][] q = new float[3][64];
        for (int j = 0; j < 64; j++) {
            float a = smooth ? (j * 37 + k * 11) % 997 / 997f : (j % 2) * 0.5f;
            q[0][j] = a * 0.9f;
            q[1][j] = (1 - a) * 0.9f;
            q[2][j] = 0.1f;
        }
        q[0][0] = 1; q[1][0] = 0; q[2][0] = 0;
        q[0][1] = 0; q[1][1] = 1; q[2][1] = 0;
        List<StepReport.PlayerShare> shares = List.of(new StepReport.PlayerShare("m:a", 0.5, 0, 0, 0), new StepReport.PlayerShare("m:b", 0.5, 0, 0, 0));
        return new StepReport(k, 30, 900 - k, q, shares, 0.1, new double[2], 0, 0, 0, false, 0);
    }

    private static List<BufferedImage> frames(byte[] gif) throws Exception {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            List<BufferedImage> out = new ArrayList<>();
            for (int i = 0; i < reader.getNumImages(true); i++) out.add(reader.read(i));
            return out;
        } finally {
            reader.dispose();
        }
    }

    private static int rgb(BufferedImage img, int feature) { return img.getRGB((feature % 8) * 4 + 1, (feature / 8) * 4 + 1) & 0xFFFFFF; }

    @Test
    void fewColoursAreDrawnExactly() throws Exception {
        List<StepReport> reports = List.of(step(0, false), step(1, false), step(2, false));
        byte[] gif = Artifacts.allocationGif(reports, CARD);
        List<BufferedImage> frames = frames(gif);
        assertEquals(3, frames.size());
        assertEquals(32, frames.get(0).getWidth());
        assertEquals(0xE67828, rgb(frames.get(2), 0), "player 0's colour");
        assertEquals(0x2882E6, rgb(frames.get(2), 1), "player 1's colour");
        assertArrayEquals(gif, Artifacts.allocationGif(reports, CARD));
    }

    @Test
    void manyColoursKeepTheOwnersColoursClose() throws Exception {
        List<StepReport> reports = new ArrayList<>();
        for (int k = 0; k < 30; k++) reports.add(step(k, true)); // far more than 256 distinct mixes
        byte[] gif = Artifacts.allocationGif(reports, CARD);
        List<BufferedImage> frames = frames(gif);
        assertEquals(30, frames.size());
        for (Iterator<BufferedImage> it = frames.iterator(); it.hasNext(); ) {
            BufferedImage f = it.next();
            assertTrue(distance(rgb(f, 0), 0xE67828) <= 12, "player 0's colour, got " + Integer.toHexString(rgb(f, 0)));
            assertTrue(distance(rgb(f, 1), 0x2882E6) <= 12, "player 1's colour, got " + Integer.toHexString(rgb(f, 1)));
        }
        assertArrayEquals(gif, Artifacts.allocationGif(reports, CARD));
    }

    private static double distance(int a, int b) {
        int dr = ((a >> 16) & 255) - ((b >> 16) & 255), dg = ((a >> 8) & 255) - ((b >> 8) & 255), db = (a & 255) - (b & 255);
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }
}
