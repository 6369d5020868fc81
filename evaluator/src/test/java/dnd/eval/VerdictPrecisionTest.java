package dnd.eval;

import dnd.common.tensor.FloatTensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluator's precision on canvases composed from REAL Fashion-MNIST TEST items, distractors
 * included (issue 6): the verdict "all required objects present with the right colours" must
 * have precision >= 0.98. Half the canvases are positives; the other half break one requirement
 * (an item of another class in the same colour, the right item in another colour, or a missing
 * item). Distractors are items of classes no task uses, in a palette colour or white. Runs the
 * committed classifier through DJL; skipped while models/evaluator is absent.
 */
class VerdictPrecisionTest {

    static final List<String> TARGETS = List.of("trouser", "dress", "sneaker", "ankle boot", "bag", "sandal");
    static final List<String> UNUSED = List.of("t-shirt", "pullover", "coat", "shirt");

    static ObjectDetector detector;

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(EvaluatorModels.present(), "models/evaluator not present: precision test skipped");
        detector = ObjectDetector.load(EvaluatorModels.dir());
    }

    @AfterAll
    static void close() {
        if (detector != null) detector.close();
    }

    record Case(FloatTensor canvas, List<Requirement> required, boolean positive, String kind) {}

    @Test
    void colourVerdictPrecisionIsAtLeast98Percent() throws IOException {
        FashionMnist data = FashionMnist.testSplit();
        TestCanvasComposer composer = new TestCanvasComposer(data, 20261125L);
        List<String> colours = List.copyOf(detector.card().palette().keySet());
        List<Case> cases = new ArrayList<>();
        cases.addAll(cases(composer, colours, 2, 800));
        cases.addAll(cases(composer, colours, 3, 400));
        int tp = 0, fp = 0, fn = 0, tp3 = 0, fp3 = 0;
        for (int from = 0; from < cases.size(); from += 200) {
            List<Case> chunk = cases.subList(from, Math.min(cases.size(), from + 200));
            List<List<DetectedObject>> found = detector.detect(chunk.stream().map(Case::canvas).toList());
            for (int i = 0; i < chunk.size(); i++) {
                Case c = chunk.get(i);
                boolean v = Verdict.satisfied(found.get(i), c.required());
                if (v && c.positive()) { tp++; if (c.required().size() == 3) tp3++; }
                if (v && !c.positive()) { fp++; if (c.required().size() == 3) fp3++; }
                if (!v && c.positive()) fn++;
            }
        }
        double precision = tp / (double) Math.max(1, tp + fp), recall = tp / (double) Math.max(1, tp + fn);
        System.out.printf("verdict on %d canvases from %s: precision %.4f (tp %d, fp %d; three objects: tp %d, fp %d), recall %.4f%n",
                cases.size(), data.source(), precision, tp, fp, tp3, fp3, recall);
        assertTrue(precision >= 0.98, "precision " + precision + " (tp " + tp + ", fp " + fp + ")");
        // a verdict that almost never says yes would have a meaningless precision
        assertTrue(recall >= 0.5, "recall " + recall);
    }

    private static List<Case> cases(TestCanvasComposer composer, List<String> colours, int n, int count) {
        var rng = composer.rng();
        List<Case> out = new ArrayList<>();
        while (out.size() < count) {
            List<String> items = new ArrayList<>(TARGETS);
            List<Requirement> req = new ArrayList<>();
            for (int k = 0; k < n; k++)
                req.add(new Requirement(items.remove(rng.nextInt(items.size())), Optional.of(colours.get(rng.nextInt(colours.size())))));
            boolean positive = out.size() % 2 == 0;
            List<TestCanvasComposer.Obj> objs = new ArrayList<>();
            for (Requirement r : req) objs.add(new TestCanvasComposer.Obj(r.item(), colour(r.colour().get())));
            String kind = "positive";
            if (!positive) {
                int j = rng.nextInt(n);
                kind = List.of("other_class", "other_colour", "missing").get(rng.nextInt(3));
                switch (kind) {
                    case "other_class" -> {
                        List<String> others = new ArrayList<>(TestCanvasComposer.CLASSES);
                        req.forEach(r -> others.remove(r.item()));
                        objs.set(j, new TestCanvasComposer.Obj(others.get(rng.nextInt(others.size())), objs.get(j).rgb()));
                    }
                    case "other_colour" -> {
                        List<String> others = new ArrayList<>(colours);
                        others.remove(req.get(j).colour().get());
                        objs.set(j, new TestCanvasComposer.Obj(objs.get(j).item(), colour(others.get(rng.nextInt(others.size())))));
                    }
                    default -> objs.remove(j);
                }
            }
            for (int d = rng.nextInt(2); d > 0; d--) {
                int ci = rng.nextInt(colours.size() + 1);
                float[] rgb = ci == colours.size() ? new float[]{1, 1, 1} : colour(colours.get(ci));
                objs.add(new TestCanvasComposer.Obj(UNUSED.get(rng.nextInt(UNUSED.size())), rgb));
            }
            FloatTensor canvas = composer.compose(objs);
            if (canvas != null) out.add(new Case(canvas, List.copyOf(req), positive, kind));
        }
        return out;
    }

    private static float[] colour(String name) { return detector.card().palette().get(name); }
}
