package dnd.common.tensor;

import java.util.Arrays;

/**
 * A dense row-major float32 tensor. Immutable by convention: methods never write into {@code data}
 * of an argument; whoever builds a tensor hands its array over and must not touch it afterwards.
 */
public record FloatTensor(int[] shape, float[] data) {

    public FloatTensor {
        if (shape == null || data == null) throw new IllegalArgumentException("shape and data are required");
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + data.length);
    }

    public static FloatTensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return new FloatTensor(shape.clone(), new float[Math.toIntExact(n)]);
    }

    public int size() { return data.length; }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i]; }

    /** Number of elements of one item along the first axis (for [B, ...] batches). */
    public int itemSize() { return shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]); }

    /** Item {@code b} of a batch as a tensor of rank-1 (a copy). */
    public FloatTensor item(int b) {
        int n = itemSize();
        return new FloatTensor(Arrays.copyOfRange(shape, 1, shape.length), Arrays.copyOfRange(data, b * n, (b + 1) * n));
    }

    /** Stacks equally shaped tensors along a new first axis. */
    public static FloatTensor stack(java.util.List<FloatTensor> items) {
        if (items.isEmpty()) throw new IllegalArgumentException("nothing to stack");
        int[] inner = items.get(0).shape();
        int n = items.get(0).size();
        float[] out = new float[n * items.size()];
        for (int i = 0; i < items.size(); i++) {
            FloatTensor t = items.get(i);
            if (!Arrays.equals(t.shape(), inner))
                throw new IllegalArgumentException("cannot stack " + Arrays.toString(t.shape()) + " with " + Arrays.toString(inner));
            System.arraycopy(t.data(), 0, out, i * n, n);
        }
        int[] shape = new int[inner.length + 1];
        shape[0] = items.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        return new FloatTensor(shape, out);
    }

    public FloatTensor reshape(int... newShape) { return new FloatTensor(newShape.clone(), data); }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data); }

    @Override
    public String toString() { return "FloatTensor" + Arrays.toString(shape); }
}
