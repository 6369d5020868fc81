package dnd.common.image;

import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of images with optional labels under each (built-in bitmap font), as PNG bytes. */
public final class ContactSheet {

    private static final int GAP = 4, BACKGROUND = 0x202020, INK = 0xF0F0F0;

    private ContactSheet() {}

    /** @param labels one per image, or empty for none */
    public static BufferedImage compose(List<BufferedImage> images, List<String> labels, int columns) {
        if (images.isEmpty()) throw new IllegalArgumentException("contact sheet: no images");
        if (!labels.isEmpty() && labels.size() != images.size())
            throw new IllegalArgumentException("contact sheet: " + labels.size() + " labels for " + images.size() + " images");
        if (columns < 1) throw new IllegalArgumentException("contact sheet: columns must be >= 1");
        int cellW = 0, cellH = 0;
        for (BufferedImage im : images) { cellW = Math.max(cellW, im.getWidth()); cellH = Math.max(cellH, im.getHeight()); }
        int labelH = labels.isEmpty() ? 0 : BitmapFont.HEIGHT + 4;
        int cols = Math.min(columns, images.size()), rows = (images.size() + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(GAP + cols * (cellW + GAP), GAP + rows * (cellH + labelH + GAP), BufferedImage.TYPE_INT_RGB);
        Images.fill(sheet, 0, 0, sheet.getWidth(), sheet.getHeight(), BACKGROUND);
        for (int i = 0; i < images.size(); i++) {
            int x0 = GAP + (i % cols) * (cellW + GAP), y0 = GAP + (i / cols) * (cellH + labelH + GAP);
            BufferedImage im = images.get(i);
            for (int y = 0; y < im.getHeight(); y++) for (int x = 0; x < im.getWidth(); x++) sheet.setRGB(x0 + x, y0 + y, im.getRGB(x, y));
            if (!labels.isEmpty()) {
                String text = fit(labels.get(i), cellW);
                BitmapFont.draw(sheet, text, x0, y0 + cellH + 2, 1, INK);
            }
        }
        return sheet;
    }

    public static byte[] png(List<BufferedImage> images, List<String> labels, int columns) {
        return Images.png(compose(images, labels, columns));
    }

    private static String fit(String label, int width) {
        int max = Math.max(1, (width + 1) / (BitmapFont.WIDTH + 1));
        return label.length() <= max ? label : label.substring(0, max);
    }
}
