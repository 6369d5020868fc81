package dnd.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object finder's parameters, as training/evaluator.py writes them into
 * models/evaluator/evaluator.json ("finder"). Colour references keep their file order, which is
 * also the tie-break order of the colour vote.
 */
public record FinderConfig(double threshold, int minPixels, int splitIfAreaOver, int splitIfSideOver, int kmeansIters,
                           int maxSplitDepth, double canonicalThreshold, double colourMinIntensity,
                           List<String> colourNames, List<float[]> colourRefs, double minClassProb) {

    public FinderConfig {
        if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("finder.threshold must be in [0,1), got " + threshold);
        if (minPixels < 1) throw new IllegalArgumentException("finder.min_pixels must be >= 1, got " + minPixels);
        if (splitIfAreaOver < 1 || splitIfSideOver < 1) throw new IllegalArgumentException("finder.split_if_area_over and split_if_side_over must be >= 1");
        if (kmeansIters < 1) throw new IllegalArgumentException("finder.kmeans_iters must be >= 1, got " + kmeansIters);
        if (maxSplitDepth < 0) throw new IllegalArgumentException("finder.max_split_depth must be >= 0, got " + maxSplitDepth);
        if (!(canonicalThreshold >= 0 && canonicalThreshold < 1)) throw new IllegalArgumentException("finder.canonical_threshold must be in [0,1)");
        if (!(minClassProb >= 0 && minClassProb <= 1)) throw new IllegalArgumentException("finder.min_class_prob must be in [0,1]");
        if (colourNames.isEmpty() || colourNames.size() != colourRefs.size()) throw new IllegalArgumentException("finder.colour_refs must name at least one colour");
        for (float[] c : colourRefs)
            if (c.length != 3) throw new IllegalArgumentException("finder.colour_refs entries must be RGB triples");
        colourNames = List.copyOf(colourNames);
        colourRefs = colourRefs.stream().map(float[]::clone).toList();
    }

    /** The values of training/evaluator.py's FINDER (used when a card has no "finder"). */
    public static FinderConfig defaults() {
        return new FinderConfig(0.2, 6, 200, 16, 10, 2, 0.1, 0.3,
                List.of("red", "green", "blue", "yellow", "white"),
                List.of(new float[]{1, 0, 0}, new float[]{0, 1, 0}, new float[]{0, 0, 1}, new float[]{1, 1, 0}, new float[]{1, 1, 1}),
                0.5);
    }

    static FinderConfig fromJson(JsonNode f) {
        FinderConfig d = defaults();
        List<String> names = new ArrayList<>(d.colourNames());
        List<float[]> refs = new ArrayList<>(d.colourRefs());
        if (f.has("colour_refs")) {
            Map<String, float[]> m = new LinkedHashMap<>();
            f.get("colour_refs").fields().forEachRemaining(e -> {
                JsonNode a = e.getValue();
                if (!a.isArray() || a.size() != 3) throw new IllegalArgumentException("finder.colour_refs." + e.getKey() + " must be [r,g,b]");
                m.put(e.getKey(), new float[]{(float) a.get(0).asDouble(), (float) a.get(1).asDouble(), (float) a.get(2).asDouble()});
            });
            names = new ArrayList<>(m.keySet());
            refs = new ArrayList<>(m.values());
        }
        return new FinderConfig(
                num(f, "threshold", d.threshold()), (int) num(f, "min_pixels", d.minPixels()),
                (int) num(f, "split_if_area_over", d.splitIfAreaOver()), (int) num(f, "split_if_side_over", d.splitIfSideOver()),
                (int) num(f, "kmeans_iters", d.kmeansIters()), (int) num(f, "max_split_depth", d.maxSplitDepth()),
                num(f, "canonical_threshold", d.canonicalThreshold()), num(f, "colour_min_intensity", d.colourMinIntensity()),
                names, refs, num(f, "min_class_prob", d.minClassProb()));
    }

    private static double num(JsonNode f, String key, double fallback) {
        JsonNode n = f.get(key);
        if (n == null) return fallback;
        if (!n.isNumber()) throw new IllegalArgumentException("finder." + key + " must be a number, got " + n);
        return n.asDouble();
    }
}
