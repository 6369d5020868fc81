package dnd.eval;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Real Fashion-MNIST TEST images for tests: the full test split from the Debian package when it
 * is installed, else the committed sample (the first 40 test images of every class, made by
 * evaluator/src/test/python/make_fmnist_sample.py). Gzipped IDX, big-endian.
 */
record FashionMnist(byte[][] images, int[] labels, String source) {

    static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    static FashionMnist testSplit() throws IOException {
        Path img = DEBIAN.resolve("t10k-images-idx3-ubyte.gz"), lab = DEBIAN.resolve("t10k-labels-idx1-ubyte.gz");
        boolean forceSample = "sample".equals(System.getProperty("dnd.eval.fmnist"));
        if (!forceSample && Files.isReadable(img) && Files.isReadable(lab))
            try (InputStream i = Files.newInputStream(img); InputStream l = Files.newInputStream(lab)) {
                return read(i, l, DEBIAN.toString());
            }
        return sample();
    }

    static FashionMnist sample() throws IOException {
        try (InputStream i = FashionMnist.class.getResourceAsStream("fmnist-test-sample-images-idx3-ubyte.gz");
             InputStream l = FashionMnist.class.getResourceAsStream("fmnist-test-sample-labels-idx1-ubyte.gz")) {
            return read(i, l, "committed sample");
        }
    }

    private static FashionMnist read(InputStream imagesGz, InputStream labelsGz, String source) throws IOException {
        DataInputStream in = new DataInputStream(new GZIPInputStream(imagesGz));
        if (in.readInt() != 2051) throw new IOException("not an IDX image file");
        int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
        byte[][] images = new byte[n][rows * cols];
        for (byte[] im : images) in.readFully(im);
        DataInputStream lin = new DataInputStream(new GZIPInputStream(labelsGz));
        if (lin.readInt() != 2049) throw new IOException("not an IDX label file");
        int m = lin.readInt();
        if (m != n) throw new IOException(n + " images but " + m + " labels");
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) labels[i] = lin.readUnsignedByte();
        return new FashionMnist(images, labels, source);
    }
}
