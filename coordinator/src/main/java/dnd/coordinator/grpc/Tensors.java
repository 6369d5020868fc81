package dnd.coordinator.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dnd.common.tensor.FloatTensor;
import dnd.proto.DType;
import dnd.proto.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/** Wire form of tensors: little-endian float32 / int64 bytes with the shape alongside. */
public final class Tensors {

    private Tensors() {}

    public static Tensor of(FloatTensor t) {
        ByteBuffer buf = ByteBuffer.allocate(t.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        Tensor.Builder b = Tensor.newBuilder().setDtype(DType.FLOAT32).setData(UnsafeByteOperations.unsafeWrap(buf.array()));
        for (int d : t.shape()) b.addShape(d);
        return b.build();
    }

    /** An INT64 tensor of shape [rows, cols]. */
    public static Tensor ofLongs(long[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        ByteBuffer buf = ByteBuffer.allocate(rows.length * cols * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] r : rows) {
            if (r.length != cols) throw new IllegalArgumentException("ragged token rows");
            for (long v : r) buf.putLong(v);
        }
        return Tensor.newBuilder().setDtype(DType.INT64).addShape(rows.length).addShape(cols)
                .setData(UnsafeByteOperations.unsafeWrap(buf.array())).build();
    }

    /** Reads a FLOAT32 tensor; {@code field} names it in the error when it is malformed. */
    public static FloatTensor toFloat(Tensor t, String field) {
        if (t.getDtype() != DType.FLOAT32) throw new IllegalArgumentException(field + ": dtype must be FLOAT32, got " + t.getDtype());
        int[] shape = new int[t.getShapeCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getShape(i);
            if (d < 0 || d > Integer.MAX_VALUE) throw new IllegalArgumentException(field + ": bad dimension " + d);
            shape[i] = (int) d;
            n *= d;
        }
        if (n * Float.BYTES != t.getData().size())
            throw new IllegalArgumentException(field + ": shape " + Arrays.toString(shape) + " needs " + n * Float.BYTES + " bytes, got " + t.getData().size());
        float[] data = new float[(int) n];
        FloatBuffer fb = t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        fb.get(data);
        return new FloatTensor(shape, data);
    }
}
