package dnd.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The evaluator's TorchScript classifier (input [B,1,28,28] in [0,1], logits [B,classes]) run
 * through DJL's PyTorch engine on the CPU. Inputs live in a per-call sub-manager that is closed
 * after the logits are copied out (outputs belong to the first input's manager). Not thread-safe.
 */
public final class TorchScriptClassifier implements Classifier {

    private static final int CHUNK = 256;

    private final Model model;
    private final PtSymbolBlock block;
    private final int classes;

    private TorchScriptClassifier(Model model, int classes) {
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.classes = classes;
    }

    public static TorchScriptClassifier load(Path file, int classes) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("classifier file not found: " + file);
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        Model model = Model.newInstance("evaluator-classifier", Device.cpu(), "PyTorch");
        try {
            String name = file.getFileName().toString();
            model.load(file.toAbsolutePath().getParent(), name.endsWith(".pt") ? name.substring(0, name.length() - 3) : name);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot load classifier " + file + ": " + e.getMessage(), e);
        }
        return new TorchScriptClassifier(model, classes);
    }

    @Override
    public float[][] logits(List<float[]> crops) {
        float[][] out = new float[crops.size()][];
        for (int from = 0; from < crops.size(); from += CHUNK) {
            int to = Math.min(crops.size(), from + CHUNK), b = to - from;
            float[] batch = new float[b * CanonicalCrop.SIZE * CanonicalCrop.SIZE];
            for (int i = 0; i < b; i++) {
                float[] c = crops.get(from + i);
                if (c.length != CanonicalCrop.SIZE * CanonicalCrop.SIZE)
                    throw new IllegalArgumentException("crop " + (from + i) + " has " + c.length + " values, expected 784");
                System.arraycopy(c, 0, batch, i * c.length, c.length);
            }
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDList in = new NDList(m.create(batch, new Shape(b, 1, CanonicalCrop.SIZE, CanonicalCrop.SIZE)));
                NDArray logits = block.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
                if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != b || logits.getShape().get(1) != classes)
                    throw new IllegalStateException("classifier returned " + logits.getShape() + ", expected (" + b + ", " + classes + ")");
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < b; i++) out[from + i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
            }
        }
        return out;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) System.setProperty(key, value);
    }

    @Override
    public void close() { model.close(); }
}
