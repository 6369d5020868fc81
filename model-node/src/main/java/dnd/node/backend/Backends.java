package dnd.node.backend;

import dnd.common.model.Denoiser;
import dnd.node.NodeConfig;

/** Opens the backend a node config names. */
public final class Backends {

    private Backends() {}

    public static Denoiser open(NodeConfig c) {
        if (c.modelDir().isPresent()) return TorchScriptDenoiser.load(c.modelDir().get(), c.maxBatch(), c.threads(), c.device());
        if (c.synthetic().isPresent()) return new SyntheticDenoiser(SyntheticSpec.parse(c.synthetic().get()), c.maxBatch());
        return GmmBackend.open(c.gmm().orElseThrow(), c.maxBatch());
    }
}
