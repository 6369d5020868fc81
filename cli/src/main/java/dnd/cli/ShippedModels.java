package dnd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The models shipped under a models directory: every sub-directory with a model.json. Real models
 * are preferred; test fixtures ("fixture": true in the card) are used only when no real one exists.
 */
final class ShippedModels {

    /** One shipped model directory and what its card says. */
    record Shipped(Path dir, String name, List<String> items, List<String> colours, boolean fixture) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShippedModels() {}

    /** The models directory of this installation (the launcher sets dnd.home). */
    static Path defaultDir() {
        return Path.of(System.getProperty("dnd.home", ".")).resolve("models");
    }

    static List<Shipped> all(Path modelsDir) {
        List<Shipped> out = new ArrayList<>();
        if (!Files.isDirectory(modelsDir)) return out;
        try (Stream<Path> dirs = Files.list(modelsDir)) {
            for (Path d : dirs.sorted().toList()) {
                Path card = d.resolve("model.json");
                if (!Files.isRegularFile(card)) continue;
                JsonNode j = JSON.readTree(card.toFile());
                List<String> items = new ArrayList<>();
                j.path("items").forEach(n -> items.add(n.asText()));
                List<String> colours = new ArrayList<>();
                j.path("colours").forEach(n -> colours.add(n.asText()));
                out.add(new Shipped(d, j.path("name").asText(d.getFileName().toString()), items, colours, j.path("fixture").asBoolean(false)));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read models in " + modelsDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The real models, or, when there is none, the fixtures. */
    static List<Shipped> preferred(Path modelsDir) {
        List<Shipped> all = all(modelsDir);
        List<Shipped> real = all.stream().filter(s -> !s.fixture()).toList();
        return real.isEmpty() ? all : real;
    }
}
