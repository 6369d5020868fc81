package dnd.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shipped models a benchmark serves: every sub-directory with a model.json; real models before test fixtures. */
final class ModelDirs {

    /** A model directory and the name its card gives. */
    record Shipped(String name, Path dir) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelDirs() {}

    static Path defaultDir() { return Path.of(System.getProperty("dnd.home", ".")).resolve("models"); }

    /** The real models in {@code dir}, or its fixtures when there is no real one; {@code only} (when not empty) filters by name. */
    static List<Shipped> find(Path dir, List<String> only) {
        List<Shipped> real = new ArrayList<>(), fixtures = new ArrayList<>();
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--models: " + dir + " is not a directory");
        try (Stream<Path> dirs = Files.list(dir)) {
            for (Path d : dirs.sorted().toList()) {
                Path card = d.resolve("model.json");
                if (!Files.isRegularFile(card)) continue;
                JsonNode j = JSON.readTree(card.toFile());
                Shipped s = new Shipped(j.path("name").asText(d.getFileName().toString()), d);
                if (!only.isEmpty() && !only.contains(s.name())) continue;
                (j.path("fixture").asBoolean(false) ? fixtures : real).add(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read models in " + dir + ": " + e.getMessage(), e);
        }
        List<Shipped> out = real.isEmpty() ? fixtures : real;
        if (out.isEmpty()) throw new IllegalArgumentException("--models: no model" + (only.isEmpty() ? "" : " named " + only) + " in " + dir);
        return out;
    }

    static List<LoopbackCluster.NodeSpec> nodes(List<Shipped> models) {
        return models.stream().map(m -> new LoopbackCluster.NodeSpec(m.name(), List.of("--model", m.dir().toAbsolutePath().toString()))).toList();
    }
}
