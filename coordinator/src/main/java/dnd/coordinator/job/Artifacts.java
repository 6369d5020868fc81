package dnd.coordinator.job;

import dnd.common.compose.StepReport;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * The files of a finished image: the PNG of the final latent (pixel space, values in [-1,1]) and
 * the allocation movie, one GIF frame per step, each feature coloured by the mix of its owners.
 * Deterministic: the same latent and reports give the same bytes.
 */
final class Artifacts {

    /** Player colours (RGB), then the fictitious player's grey. */
    private static final int[][] PALETTE = {{230, 120, 40}, {40, 130, 230}, {60, 190, 80}, {200, 60, 200}, {230, 210, 50}, {60, 200, 200},
            {180, 90, 60}, {140, 140, 230}};
    private static final int[] FICTITIOUS = {50, 50, 50};
    private static final int MOVIE_SCALE = 4, FRAME_DELAY_CS = 12;

    private Artifacts() {}

    /** [C,H,W] with C = 1 (grey) or 3 (RGB), values in [-1,1], to PNG. */
    static byte[] png(FloatTensor latent) {
        if (latent.rank() != 3) throw new IllegalArgumentException("latent must be [C,H,W], got rank " + latent.rank());
        int c = latent.dim(0), h = latent.dim(1), w = latent.dim(2);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        float[] x = latent.data();
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < w; i++) {
                int p = y * w + i;
                int r = byteOf(x[p]);
                int g = c >= 3 ? byteOf(x[h * w + p]) : r;
                int b = c >= 3 ? byteOf(x[2 * h * w + p]) : r;
                img.setRGB(i, y, (r << 16) | (g << 8) | b);
            }
        }
        return encode(img, "png");
    }

    /**
     * One frame per step; rows beyond the players (the fictitious one) are grey. The frames are
     * drawn as indexed images over one palette of the whole movie (built from the unscaled
     * features), so the GIF writer does not quantise every scaled RGB frame itself: that octree
     * quantisation was most of a job's coordinator CPU time.
     */
    static byte[] allocationGif(List<StepReport> reports, ModelCard card) {
        List<int[]> colours = reports.stream().map(r -> colours(r)).toList();
        int m = colours.isEmpty() ? 0 : colours.get(0).length;
        boolean grid = m == card.height() * card.width();
        int h = grid ? card.height() : 1, w = grid ? card.width() : Math.max(1, m);
        MoviePalette palette = MoviePalette.of(colours);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            // Frame metadata without a colour table (built once): the writer then takes the
            // palette from the indexed frame directly instead of through a metadata tree per frame.
            ImageTypeSpecifier noTable = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB);
            IIOMetadata first = writer.getDefaultImageMetadata(noTable, null), rest = writer.getDefaultImageMetadata(noTable, null);
            animate(first, true);
            animate(rest, false);
            for (int f = 0; f < colours.size(); f++)
                writer.writeToSequence(new IIOImage(frame(colours.get(f), w, h, palette), null, f == 0 ? first : rest), null);
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException("allocation movie could not be written", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Each feature's colour (0xRRGGBB): the mix of its owners' colours. */
    private static int[] colours(StepReport r) {
        float[][] q = r.allocation();
        int players = r.players().size();
        int m = q.length == 0 ? 0 : q[0].length;
        int[] out = new int[m];
        for (int j = 0; j < m; j++) {
            double[] rgb = new double[3];
            for (int i = 0; i < q.length; i++) {
                int[] col = i < players ? PALETTE[i % PALETTE.length] : FICTITIOUS;
                for (int k = 0; k < 3; k++) rgb[k] += q[i][j] * col[k];
            }
            out[j] = (clamp(rgb[0]) << 16) | (clamp(rgb[1]) << 8) | clamp(rgb[2]);
        }
        return out;
    }

    private static BufferedImage frame(int[] colours, int w, int h, MoviePalette palette) {
        int width = w * MOVIE_SCALE;
        BufferedImage img = new BufferedImage(width, h * MOVIE_SCALE, BufferedImage.TYPE_BYTE_INDEXED, palette.model());
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int j = 0; j < colours.length; j++) {
            byte index = palette.index(colours[j]);
            int y0 = (j / w) * MOVIE_SCALE, x0 = (j % w) * MOVIE_SCALE;
            for (int dy = 0; dy < MOVIE_SCALE; dy++) java.util.Arrays.fill(px, (y0 + dy) * width + x0, (y0 + dy) * width + x0 + MOVIE_SCALE, index);
        }
        return img;
    }

    private static void animate(IIOMetadata meta, boolean first) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(FRAME_DELAY_CS));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // loop forever
            child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++)
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    private static int byteOf(float v) { return clamp((v + 1) * 127.5); }

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }

    private static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no " + format + " writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
