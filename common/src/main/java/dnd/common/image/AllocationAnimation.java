package dnd.common.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF of the allocation Q over the steps: each player has a colour, a pixel shows
 * sum_i Q_ij colour_i; a row beyond the players' colours (the fictitious player) is grey.
 */
public final class AllocationAnimation {

    /** Player colours (RGB), reused cyclically. */
    public static final int[] PALETTE = {0xE6194B, 0x3CB44B, 0x4363D8, 0xFFE119, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6};
    static final int FICTITIOUS = 0x808080;

    private AllocationAnimation() {}

    /** One frame: q is [rows][h*w]; rows beyond {@code players} are drawn grey. */
    public static BufferedImage frame(float[][] q, int players, int h, int w, int scale) {
        int[] colours = colours(q, players, h, w);
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int j = 0; j < h * w; j++) Images.fill(img, (j % w) * scale, (j / w) * scale, scale, scale, colours[j]);
        return img;
    }

    /** Each feature's colour (0xRRGGBB): sum_i Q_ij colour_i. */
    private static int[] colours(float[][] q, int players, int h, int w) {
        if (q.length < players) throw new IllegalArgumentException("allocation: " + q.length + " rows for " + players + " players");
        int[] out = new int[h * w];
        for (int j = 0; j < h * w; j++) {
            double r = 0, g = 0, b = 0;
            for (int i = 0; i < q.length; i++) {
                if (q[i].length != h * w) throw new IllegalArgumentException("allocation: row " + i + " has " + q[i].length + " values, expected " + h * w);
                int c = i < players ? PALETTE[i % PALETTE.length] : FICTITIOUS;
                double v = Math.max(0, Math.min(1, q[i][j]));
                r += v * ((c >> 16) & 255); g += v * ((c >> 8) & 255); b += v * (c & 255);
            }
            out[j] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
        }
        return out;
    }

    /**
     * The animation (looping), one frame per step, {@code delayMs} per frame. Frames are indexed
     * images over one palette of the whole movie (built from the unscaled features): the GIF
     * writer then neither quantises every scaled RGB frame itself (an octree per frame) nor turns
     * a colour table into a metadata tree per frame; that was most of a job's coordinator CPU.
     */
    public static byte[] gif(List<float[][]> frames, int players, int h, int w, int scale, int delayMs) {
        if (frames.isEmpty()) throw new IllegalArgumentException("allocation animation: no frames");
        List<int[]> colours = frames.stream().map(q -> colours(q, players, h, w)).toList();
        MoviePalette palette = MoviePalette.of(colours);
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                // metadata without a colour table, built once: the writer takes the frame's palette directly
                ImageTypeSpecifier noTable = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB);
                IIOMetadata first = writer.getDefaultImageMetadata(noTable, null), rest = writer.getDefaultImageMetadata(noTable, null);
                configure(first, delayMs, true);
                configure(rest, delayMs, false);
                for (int f = 0; f < colours.size(); f++)
                    writer.writeToSequence(new IIOImage(indexedFrame(colours.get(f), w, h, scale, palette), null, f == 0 ? first : rest), null);
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage indexedFrame(int[] colours, int w, int h, int scale, MoviePalette palette) {
        int width = w * scale;
        BufferedImage img = new BufferedImage(width, h * scale, BufferedImage.TYPE_BYTE_INDEXED, palette.model());
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int j = 0; j < colours.length; j++) {
            byte index = palette.index(colours[j]);
            int y0 = (j / w) * scale, x0 = (j % w) * scale;
            for (int dy = 0; dy < scale; dy++) Arrays.fill(px, (y0 + dy) * width + x0, (y0 + dy) * width + x0 + scale, index);
        }
        return img;
    }

    private static void configure(IIOMetadata meta, int delayMs, boolean first) throws IOException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(Math.max(1, delayMs / 10)));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[]{1, 0, 0});   // loop forever
            apps.appendChild(app);
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

    private static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }
}
