package dnd.eval;

import dnd.common.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole evaluator as in training/evaluator.py's detect: find the parts of each image,
 * classify each part's canonical crop (intensity masked to the part's region) in one batch, and
 * name each part's colour.
 */
public final class ObjectDetector implements AutoCloseable {

    private final EvaluatorCard card;
    private final ObjectFinder finder;
    private final ColourNamer colours;
    private final Classifier classifier;

    public ObjectDetector(EvaluatorCard card, Classifier classifier) {
        this.card = card;
        this.finder = new ObjectFinder(card.finder());
        this.colours = new ColourNamer(card.finder());
        this.classifier = classifier;
    }

    /** Loads models/evaluator (evaluator.json and the TorchScript classifier it names). */
    public static ObjectDetector load(java.nio.file.Path dir) {
        EvaluatorCard card = EvaluatorCard.load(dir);
        return new ObjectDetector(card, TorchScriptClassifier.load(card.classifierFile(), card.classes().size()));
    }

    public EvaluatorCard card() { return card; }

    /** @param images each [3,H,W] in [-1,1]; returns the objects found on each, in finder order. */
    public List<List<DetectedObject>> detect(List<FloatTensor> images) {
        List<float[]> crops = new ArrayList<>();
        List<int[]> owner = new ArrayList<>();   // image index, fg pixel count
        List<String> colourOf = new ArrayList<>();
        for (int b = 0; b < images.size(); b++) {
            Canvas canvas = Canvas.fromSigned(images.get(b));
            for (Part p : finder.find(canvas)) {
                float[] masked = new float[canvas.pixels()];
                for (int i = 0; i < masked.length; i++) masked[i] = p.region()[i] ? canvas.v()[i] : 0f;
                crops.add(CanonicalCrop.of(masked, canvas.height(), canvas.width(), card.finder().canonicalThreshold()));
                owner.add(new int[]{b, p.fgCount()});
                colourOf.add(colours.name(canvas, p));
            }
        }
        List<List<DetectedObject>> out = new ArrayList<>();
        for (int b = 0; b < images.size(); b++) out.add(new ArrayList<>());
        if (crops.isEmpty()) return out;
        float[][] logits = classifier.logits(crops);
        for (int k = 0; k < crops.size(); k++) {
            double[] p = softmax(logits[k]);
            int arg = 0;
            for (int c = 1; c < p.length; c++) if (p[c] > p[arg]) arg = c;
            Optional<String> item = p[arg] >= card.finder().minClassProb() ? Optional.of(card.classes().get(arg)) : Optional.empty();
            out.get(owner.get(k)[0]).add(new DetectedObject(item, p[arg], colourOf.get(k), owner.get(k)[1]));
        }
        return out;
    }

    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(logits[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    @Override
    public void close() { classifier.close(); }
}
