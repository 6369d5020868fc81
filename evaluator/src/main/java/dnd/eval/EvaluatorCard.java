package dnd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * models/evaluator/evaluator.json: the classifier's class names (Fashion-MNIST label order), the
 * palette the tasks draw colours from, and the finder's parameters.
 */
public record EvaluatorCard(Path classifierFile, List<String> classes, Map<String, float[]> palette, FinderConfig finder) {

    public EvaluatorCard {
        if (classes.size() < 2) throw new IllegalArgumentException("evaluator card: needs at least two classes");
        classes = List.copyOf(classes);
        palette = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(palette));
    }

    /** Reads {@code dir}/evaluator.json; the classifier file is resolved against {@code dir}. */
    public static EvaluatorCard load(Path dir) {
        Path json = dir.resolve("evaluator.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read evaluator card " + json + ": " + e.getMessage(), e);
        }
        JsonNode cls = root.get("classes");
        if (cls == null || !cls.isArray()) throw new IllegalArgumentException(json + ": \"classes\" must be a list of class names");
        List<String> classes = new ArrayList<>();
        cls.forEach(c -> classes.add(c.asText()));
        Map<String, float[]> palette = new LinkedHashMap<>();
        JsonNode pal = root.path("palette");
        pal.fields().forEachRemaining(e -> {
            JsonNode a = e.getValue();
            if (!a.isArray() || a.size() != 3) throw new IllegalArgumentException(json + ": palette." + e.getKey() + " must be [r,g,b]");
            palette.put(e.getKey(), new float[]{(float) a.get(0).asDouble(), (float) a.get(1).asDouble(), (float) a.get(2).asDouble()});
        });
        FinderConfig finder = root.has("finder") ? FinderConfig.fromJson(root.get("finder")) : FinderConfig.defaults();
        String file = root.path("file").asText("classifier.pt");
        return new EvaluatorCard(dir.resolve(file), classes, palette, finder);
    }
}
