package dnd.node.backend;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A TorchScript denoiser run by DJL's PyTorch engine (model contract: DESIGN.md section 4).
 * Every call creates its inputs in a per-call NDManager (outputs belong to the first input's
 * manager) and copies results out before closing it. {@code utility_grad} is the model's exported
 * TorchScript method, called with autograd on (the model is loaded with trainParam=true and its
 * parameters frozen); grad mode is reset afterwards because it is per thread and an exception
 * would leave it on. The node calls this from one thread; calls are deterministic for that path.
 */
public final class TorchScriptDenoiser implements Denoiser {

    private static final String UTILITY_GRAD = "module_method:utility_grad";

    private final Model model;
    private final PtSymbolBlock block;
    private final ModelCard card;

    private TorchScriptDenoiser(Model model, ModelCard card) {
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.card = card;
    }

    /** Loads {@code dir}/model.json and the TorchScript file it names, then warms the model up. */
    public static TorchScriptDenoiser load(Path dir, int maxBatch, int threads) {
        return load(dir, maxBatch, threads, "cpu");
    }

    /** @param device "cpu", "gpu" or "gpu:N" (a GPU needs a CUDA build of libtorch, see docs/operations.md) */
    public static TorchScriptDenoiser load(Path dir, int maxBatch, int threads, String device) {
        DjlEnvironment.configure(threads);
        ModelCardJson.Loaded loaded = ModelCardJson.load(dir, "torchscript", maxBatch);
        Device dev = device.equals("cpu") ? Device.cpu() : device.equals("gpu") ? Device.gpu() : Device.gpu(Integer.parseInt(device.substring(4)));
        Model model = Model.newInstance(loaded.card().name(), dev, "PyTorch");
        try {
            String file = loaded.modelFile().getFileName().toString();
            String prefix = file.endsWith(".pt") ? file.substring(0, file.length() - 3) : file;
            model.load(loaded.modelFile().getParent(), prefix, Map.of("trainParam", "true"));
            model.getBlock().freezeParameters(true);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load TorchScript model " + loaded.modelFile() + ": " + e.getMessage(), e);
        }
        TorchScriptDenoiser d = new TorchScriptDenoiser(model, loaded.card());
        d.warmUp();
        return d;
    }

    @Override
    public ModelCard card() { return card; }

    @Override
    public Forward forward(FloatTensor x, long[] t, long[][] tokens) {
        int b = x.dim(0);
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList out = block.forward(new ParameterStore(m, false), inputs(m, x, t, tokens), false);
            NDArray eps = out.get(0), attn = out.get(1);
            int[] attnShape = ints(attn.getShape());
            if (!Arrays.equals(ints(eps.getShape()), x.shape()) || attnShape.length != 4 || attnShape[0] != b
                    || attnShape[1] != card.contextLength() || attnShape[2] != card.attentionShape()[0] || attnShape[3] != card.attentionShape()[1])
                throw new IllegalStateException("model " + card.name() + " returned eps " + eps.getShape() + " and attention " + attn.getShape()
                        + ", its card promises " + Arrays.toString(x.shape()) + " and [" + b + ", " + card.contextLength() + ", "
                        + card.attentionShape()[0] + ", " + card.attentionShape()[1] + "]");
            return new Forward(new FloatTensor(x.shape().clone(), eps.toFloatArray()), new FloatTensor(attnShape, attn.toFloatArray()));
        }
    }

    @Override
    public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor weights) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList in = inputs(m, x, t, tokens);
            in.add(m.create(weights.data(), toShape(weights.shape())));
            NDArray method = m.create(0f);
            method.setName(UTILITY_GRAD);
            in.add(method);
            NDList out;
            try {
                out = IValueUtils.forward(block, in, true);
            } finally {
                JniUtils.setGradMode(false);
            }
            NDArray u = out.get(0), g = out.get(1);
            if (!Arrays.equals(ints(g.getShape()), x.shape()) || u.getShape().size() != x.dim(0))
                throw new IllegalStateException("model " + card.name() + " utility_grad returned u " + u.getShape() + " and grad " + g.getShape());
            return new UtilityGradient(u.toFloatArray(), new FloatTensor(x.shape().clone(), g.toFloatArray()));
        }
    }

    private static NDList inputs(NDManager m, FloatTensor x, long[] t, long[][] tokens) {
        int l = tokens.length == 0 ? 0 : tokens[0].length;
        long[] flat = new long[tokens.length * l];
        for (int i = 0; i < tokens.length; i++) System.arraycopy(tokens[i], 0, flat, i * l, l);
        return new NDList(m.create(x.data(), toShape(x.shape())), m.create(t), m.create(flat, new Shape(tokens.length, l)));
    }

    /** The graph optimizer specialises on the first calls per input shape: pay that at start, not on a job. */
    private void warmUp() {
        FloatTensor x = FloatTensor.zeros(2, card.channels(), card.height(), card.width());
        long[][] tokens = {card.nullContext(), card.nullContext()};
        for (int i = 0; i < 3; i++) forward(x, new long[]{500, 500}, tokens);
        if (card.capabilities().contains("utility_grad")) {
            FloatTensor w = FloatTensor.zeros(2, card.contextLength(), card.attentionShape()[0], card.attentionShape()[1]);
            utilityGrad(x, new long[]{500, 500}, tokens, w);
        }
    }

    private static Shape toShape(int[] dims) {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) s[i] = dims[i];
        return new Shape(s);
    }

    private static int[] ints(Shape s) {
        int[] out = new int[s.dimension()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(s.get(i));
        return out;
    }

    @Override
    public void close() { model.close(); }
}
