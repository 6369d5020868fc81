package dnd.eval;

import dnd.common.tensor.FloatTensor;

/** One image a composition produced: its index and seed, the PNG as served, and the image [3,H,W] in [-1,1] the evaluator judges. */
public record GeneratedImage(int index, long seed, byte[] png, FloatTensor image) {

    public GeneratedImage {
        if (png == null || image == null) throw new IllegalArgumentException("generated image: png and image are required");
        if (image.rank() != 3 || image.dim(0) != 3)
            throw new IllegalArgumentException("generated image " + index + ": expected [3,H,W], got " + java.util.Arrays.toString(image.shape()));
    }
}
