package dnd.node.backend;

import dnd.common.model.Denoiser;

/** The analytic Gaussian-mixture denoiser from common (exact eps, maps and VJPs), for tests. */
public final class GmmBackend {

    private GmmBackend() {}

    public static Denoiser open(String spec, int maxBatch) {
        throw new UnsupportedOperationException("--gmm: the Gaussian-mixture backend is not available in this build yet");
    }
}
