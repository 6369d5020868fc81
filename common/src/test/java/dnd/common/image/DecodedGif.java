package dnd.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

/** A GIF as ImageIO's reader sees it: frames with their control extensions, and the stream's descriptor and table. */
record DecodedGif(int width, int height, int globalTableSize, List<Frame> frames) {

    record Frame(BufferedImage image, int delayCentis, String disposal, boolean transparent, boolean interlaced,
                 boolean localTable, byte[] netscapeLoop) {

        /** Every pixel is the expected colour of its feature: features are w per row, each drawn scale x scale. */
        void assertPixels(int w, int h, int scale, IntUnaryOperator featureColour, String what) {
            assertEquals(w * scale, image.getWidth(), what + ": width");
            assertEquals(h * scale, image.getHeight(), what + ": height");
            for (int y = 0; y < h * scale; y++)
                for (int x = 0; x < w * scale; x++) {
                    int expected = featureColour.applyAsInt((y / scale) * w + x / scale), actual = image.getRGB(x, y) & 0xFFFFFF;
                    if (expected != actual) assertEquals(Integer.toHexString(expected), Integer.toHexString(actual), what + ": pixel " + x + "," + y);
                }
        }
    }

    static DecodedGif of(byte[] gif) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            IIOMetadataNode stream = (IIOMetadataNode) reader.getStreamMetadata().getAsTree("javax_imageio_gif_stream_1.0");
            IIOMetadataNode screen = child(stream, "LogicalScreenDescriptor"), table = child(stream, "GlobalColorTable");
            List<Frame> frames = new ArrayList<>();
            for (int i = 0, n = reader.getNumImages(true); i < n; i++) {
                IIOMetadataNode meta = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode gce = child(meta, "GraphicControlExtension"), descriptor = child(meta, "ImageDescriptor");
                IIOMetadataNode apps = child(meta, "ApplicationExtensions");
                byte[] loop = null;
                for (int k = 0; apps != null && k < apps.getLength(); k++) {
                    IIOMetadataNode app = (IIOMetadataNode) apps.item(k);
                    if ("NETSCAPE".equals(app.getAttribute("applicationID")) && "2.0".equals(app.getAttribute("authenticationCode")))
                        loop = (byte[]) app.getUserObject();
                }
                frames.add(new Frame(reader.read(i), Integer.parseInt(gce.getAttribute("delayTime")), gce.getAttribute("disposalMethod"),
                        Boolean.parseBoolean(gce.getAttribute("transparentColorFlag")), Boolean.parseBoolean(descriptor.getAttribute("interlaceFlag")),
                        child(meta, "LocalColorTable") != null, loop));
            }
            return new DecodedGif(Integer.parseInt(screen.getAttribute("logicalScreenWidth")), Integer.parseInt(screen.getAttribute("logicalScreenHeight")),
                    table == null ? 0 : Integer.parseInt(table.getAttribute("sizeOfGlobalColorTable")), frames);
        } finally {
            reader.dispose();
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode node, String name) {
        for (int i = 0; i < node.getLength(); i++)
            if (node.item(i).getNodeName().equals(name)) return (IIOMetadataNode) node.item(i);
        return null;
    }
}
