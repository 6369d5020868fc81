package dnd.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** A labelled grid of images: one row per prompt, one column per method, each image scaled up (nearest neighbour). */
final class ContactSheets {

    private static final int SCALE = 4, GAP = 6, LABEL_W = 300, HEADER_H = 22;

    private ContactSheets() {}

    static byte[] render(List<List<byte[]>> rows, List<String> rowLabels, List<String> columnLabels) {
        if (rows.isEmpty()) throw new IllegalArgumentException("no images for the contact sheet");
        BufferedImage first = read(rows.get(0).get(0));
        int cw = first.getWidth() * SCALE, ch = first.getHeight() * SCALE;
        int cols = columnLabels.size();
        BufferedImage sheet = new BufferedImage(LABEL_W + cols * (cw + GAP) + GAP, HEADER_H + rows.size() * (ch + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(new Color(32, 32, 32));
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.WHITE);
            for (int j = 0; j < cols; j++) g.drawString(columnLabels.get(j), LABEL_W + GAP + j * (cw + GAP), HEADER_H - 6);
            for (int i = 0; i < rows.size(); i++) {
                int y = HEADER_H + GAP + i * (ch + GAP);
                g.setColor(Color.WHITE);
                drawWrapped(g, rowLabels.get(i), GAP, y + 14, LABEL_W - 2 * GAP);
                for (int j = 0; j < rows.get(i).size(); j++)
                    g.drawImage(read(rows.get(i).get(j)), LABEL_W + GAP + j * (cw + GAP), y, cw, ch, null);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(sheet, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && g.getFontMetrics().stringWidth(line + " " + word) > width) {
                g.drawString(line.toString(), x, y);
                y += 15;
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        g.drawString(line.toString(), x, y);
    }

    private static BufferedImage read(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) throw new IllegalArgumentException("not a PNG image");
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
