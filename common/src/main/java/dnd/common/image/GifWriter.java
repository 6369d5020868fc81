package dnd.common.image;

import java.io.ByteArrayOutputStream;

/**
 * A looping GIF89a of indexed frames over one global colour table, each w x h image drawn with
 * every pixel as a scale x scale block. Frames are encoded straight from their indices, one
 * reused row at a time: no BufferedImage, no ImageIO metadata trees.
 */
final class GifWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private final LzwEncoder lzw = new LzwEncoder();
    private final int w, h, scale, colours, minCodeSize;
    private final byte[] row; // one scaled row of indices, reused

    /** Writes the header, the global colour table (padded to a power of two, at least 2) and the loop-forever extension. */
    GifWriter(int w, int h, int scale, int[] palette) {
        if (w <= 0 || h <= 0 || scale <= 0 || (long) w * scale > 0xFFFF || (long) h * scale > 0xFFFF)
            throw new IllegalArgumentException("GIF of " + w + "x" + h + " at scale " + scale);
        if (palette.length == 0 || palette.length > 256) throw new IllegalArgumentException("GIF palette of " + palette.length + " colours");
        this.w = w;
        this.h = h;
        this.scale = scale;
        this.colours = palette.length;
        this.row = new byte[w * scale];
        int tableBits = 1;
        while (1 << tableBits < palette.length) tableBits++;
        minCodeSize = Math.max(2, tableBits);

        ascii("GIF89a");
        short16(w * scale);
        short16(h * scale);
        out.write(0x80 | 7 << 4 | (tableBits - 1)); // global table, 8 bits per primary, its size
        out.write(0);                                // background colour index
        out.write(0);                                // no aspect ratio
        for (int i = 0; i < 1 << tableBits; i++) {
            int c = i < palette.length ? palette[i] : 0;
            out.write(c >> 16 & 255);
            out.write(c >> 8 & 255);
            out.write(c & 255);
        }
        out.write(0x21);
        out.write(0xFF);
        out.write(11);
        ascii("NETSCAPE2.0");
        out.write(3);
        out.write(1);
        short16(0); // loop count 0: forever
        out.write(0);
    }

    /** One frame: {@code indices} (palette indices) is the w x h image row by row; the delay is in 1/100 s. */
    void frame(byte[] indices, int delayCentis) {
        if (indices.length != w * h) throw new IllegalArgumentException("GIF frame of " + indices.length + " pixels, expected " + w * h);
        if (delayCentis < 0 || delayCentis > 0xFFFF) throw new IllegalArgumentException("GIF frame delay " + delayCentis);
        for (byte index : indices) // one beyond the table would read as a control code and garble the rest of the frame
            if ((index & 0xFF) >= colours) throw new IllegalArgumentException("GIF pixel index " + (index & 0xFF) + " for " + colours + " colours");
        out.write(0x21); // graphic control extension
        out.write(0xF9);
        out.write(4);
        out.write(0);    // no disposal specified, no user input, no transparency
        short16(delayCentis);
        out.write(0);    // transparent index (unused)
        out.write(0);
        out.write(0x2C); // image descriptor: the whole screen, no local table, not interlaced
        short16(0);
        short16(0);
        short16(w * scale);
        short16(h * scale);
        out.write(0);
        lzw.begin(minCodeSize);
        for (int y = 0; y < h; y++) {
            for (int x = 0, o = y * w; x < w; x++) {
                byte index = indices[o + x];
                for (int d = x * scale, end = d + scale; d < end; d++) row[d] = index;
            }
            for (int dy = 0; dy < scale; dy++) lzw.write(row, 0, row.length);
        }
        lzw.end(out);
    }

    /** The trailer, and the file. */
    byte[] finish() {
        out.write(0x3B);
        return out.toByteArray();
    }

    private void short16(int v) {
        out.write(v & 255);
        out.write(v >> 8 & 255);
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) out.write(s.charAt(i));
    }
}
