package dnd.common.image;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * GIF's variable-length LZW for one image's pixel indices, written as data sub-blocks (at most
 * 255 bytes each) and the block terminator. Codes start at minCodeSize + 1 bits and grow to 12;
 * when the 4096 codes are used up a clear code restarts the table. The string table is an
 * open-addressing hash of ints (prefix code, pixel -> code); all buffers are reused from image
 * to image.
 */
final class LzwEncoder {

    private static final int MAX_CODES = 1 << 12;
    private static final int SLOT_BITS = 13; // twice the codes: probes stay short
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    /** Per slot (prefix << 8 | pixel) << 12 | code; 0 is empty (no stored code is below clear + 2). */
    private final int[] slots = new int[1 << SLOT_BITS];
    /**
     * Per code, the child it was last extended to, as (pixel + 1) << 12 | child code, 0 for none:
     * smooth, upscaled frames mostly repeat the last extension, and one load is a shorter chain
     * from pixel to pixel than a hash probe.
     */
    private final int[] lastChild = new int[MAX_CODES];
    /** The image's code stream, cut into sub-blocks at the end: no block bookkeeping per code. */
    private byte[] packed = new byte[1 << 14];
    private int packedLength;
    private long bits;
    private int bitCount;
    private int minCodeSize, clear, codeSize, next;
    private int prefix; // the code of the string matched so far, -1 before the first pixel

    /** Starts an image: pixels must be below 2^minCodeSize (2 to 8). */
    void begin(int minCodeSize) {
        if (minCodeSize < 2 || minCodeSize > 8) throw new IllegalArgumentException("LZW minimum code size " + minCodeSize);
        this.minCodeSize = minCodeSize;
        clear = 1 << minCodeSize;
        packedLength = bitCount = 0;
        bits = 0;
        prefix = -1;
        restart();
        emit(clear); // images open with a clear code, at the initial width
    }

    /** Pixels {@code from} (inclusive) to {@code to}, continuing the image. */
    void write(byte[] pixels, int from, int to) {
        if (from >= to) return;
        int[] t = slots, m = lastChild;
        int p = prefix, i = from;
        if (p < 0) p = pixels[i++] & 0xFF;
        next:
        for (; i < to; i++) {
            int c = pixels[i] & 0xFF;
            int last = m[p];
            if (last >>> 12 == c + 1) { // the usual case: p went on with c last time too
                p = last & (MAX_CODES - 1);
                continue;
            }
            int key = p << 8 | c;
            int s = (key * 0x9E3779B1) >>> (32 - SLOT_BITS);
            for (int e; (e = t[s]) != 0; s = (s + 1) & SLOT_MASK)
                if (e >>> 12 == key) {
                    m[p] = (c + 1) << 12 | (e & (MAX_CODES - 1));
                    p = e & (MAX_CODES - 1);
                    continue next;
                }
            emit(p);
            if (next < MAX_CODES) {
                t[s] = key << 12 | next;
                m[p] = (c + 1) << 12 | next;
                m[next] = 0;
                // the decoder adds its entries one code later, so it widens when the code after this one would not fit
                if (++next > 1 << codeSize) codeSize++;
            } else {
                emit(clear);
                restart();
            }
            p = c;
        }
        prefix = p;
    }

    /** Ends the image: the minimum code size, its code stream (the pending string, end of information) in sub-blocks, the terminator. */
    void end(ByteArrayOutputStream out) {
        if (prefix >= 0) emit(prefix);
        emit(clear + 1);
        for (; bitCount > 0; bitCount -= 8, bits >>>= 8) put((byte) bits);
        out.write(minCodeSize);
        for (int off = 0; off < packedLength; off += 255) {
            int n = Math.min(255, packedLength - off);
            out.write(n);
            out.write(packed, off, n);
        }
        out.write(0);
    }

    private void restart() {
        Arrays.fill(slots, 0);
        Arrays.fill(lastChild, 0, clear, 0); // codes from clear + 2 on are cleared as they are assigned
        codeSize = minCodeSize + 1;
        next = clear + 2;
    }

    private void emit(int code) {
        bits |= (long) code << bitCount;
        bitCount += codeSize;
        if (bitCount >= 32) {
            if (packedLength + 4 > packed.length) packed = Arrays.copyOf(packed, packed.length * 2);
            packed[packedLength] = (byte) bits;
            packed[packedLength + 1] = (byte) (bits >>> 8);
            packed[packedLength + 2] = (byte) (bits >>> 16);
            packed[packedLength + 3] = (byte) (bits >>> 24);
            packedLength += 4;
            bits >>>= 32;
            bitCount -= 32;
        }
    }

    private void put(byte b) {
        if (packedLength == packed.length) packed = Arrays.copyOf(packed, packed.length * 2);
        packed[packedLength++] = b;
    }
}
