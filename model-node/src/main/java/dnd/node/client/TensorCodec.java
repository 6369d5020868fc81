package dnd.node.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dnd.common.tensor.FloatTensor;
import dnd.proto.DType;
import dnd.proto.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tensor to proto and back: little-endian float32 / int64 bytes with the shape alongside. The
 * decoders check shape against byte count and name {@code field} in their errors; they do not
 * check values (the node's validator does that).
 */
public final class TensorCodec {

    private TensorCodec() {}

    public static Tensor encode(FloatTensor t) {
        return encodeFloats(t.shape(), t.data());
    }

    public static Tensor encodeFloats(int[] shape, float[] data) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        Tensor.Builder b = Tensor.newBuilder().setDtype(DType.FLOAT32).setData(UnsafeByteOperations.unsafeWrap(buf.array()));
        for (int d : shape) b.addShape(d);
        return b.build();
    }

    /** A [B, L] INT64 tensor of token contexts (all rows of equal length). */
    public static Tensor encodeTokens(long[][] rows) {
        int l = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer buf = ByteBuffer.allocate(rows.length * l * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] row : rows) {
            if (row.length != l) throw new IllegalArgumentException("token rows differ in length: " + row.length + " vs " + l);
            for (long v : row) buf.putLong(v);
        }
        return Tensor.newBuilder().setDtype(DType.INT64).addShape(rows.length).addShape(l)
                .setData(UnsafeByteOperations.unsafeWrap(buf.array())).build();
    }

    /** The element count of a shape, or -1 if a dimension is negative or the count overflows an int. */
    public static long elementCount(Tensor t) {
        long n = 1;
        for (long d : t.getShapeList()) {
            if (d < 0) return -1;
            n *= d;
            if (n > Integer.MAX_VALUE) return -1;
        }
        return n;
    }

    public static FloatTensor decodeFloat(Tensor t, String field) {
        if (t.getDtype() != DType.FLOAT32) throw new IllegalArgumentException(field + ".dtype must be FLOAT32, got " + t.getDtype());
        int[] shape = intShape(t, field);
        long n = elementCount(t);
        checkBytes(t, n, 4, field);
        float[] data = new float[(int) n];
        t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new FloatTensor(shape, data);
    }

    /** A [B, L] INT64 tensor as B rows. */
    public static long[][] decodeTokens(Tensor t, String field) {
        if (t.getDtype() != DType.INT64) throw new IllegalArgumentException(field + ".dtype must be INT64, got " + t.getDtype());
        int[] shape = intShape(t, field);
        if (shape.length != 2) throw new IllegalArgumentException(field + ".shape must be [B, L], got " + Arrays.toString(shape));
        checkBytes(t, elementCount(t), 8, field);
        var buf = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[][] rows = new long[shape[0]][shape[1]];
        for (long[] row : rows) buf.get(row);
        return rows;
    }

    private static int[] intShape(Tensor t, String field) {
        if (elementCount(t) < 0) throw new IllegalArgumentException(field + ".shape " + t.getShapeList() + " has a negative or too large dimension");
        int[] shape = new int[t.getShapeCount()];
        for (int i = 0; i < shape.length; i++) shape[i] = (int) t.getShape(i);
        return shape;
    }

    private static void checkBytes(Tensor t, long n, int width, String field) {
        ByteString data = t.getData();
        if (data.size() != n * width)
            throw new IllegalArgumentException(field + ".data has " + data.size() + " bytes, shape " + t.getShapeList() + " of "
                    + t.getDtype() + " needs " + n * width);
    }
}
