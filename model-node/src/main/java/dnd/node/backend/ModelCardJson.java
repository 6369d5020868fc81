package dnd.node.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model directory's card ({@code model.json}, written by training/export.py) into a
 * {@link ModelCard}, with the SHA-256 of the model file it names. Errors name the JSON field.
 */
public final class ModelCardJson {

    public static final String CARD_FILE = "model.json";

    /** A loaded card and the model file it describes. */
    public record Loaded(ModelCard card, Path modelFile, boolean fixture) {}

    private ModelCardJson() {}

    public static Loaded load(Path dir, String backend, int maxBatch) {
        Path json = dir.resolve(CARD_FILE);
        if (!Files.isRegularFile(json)) throw new IllegalArgumentException("model directory " + dir + " has no " + CARD_FILE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(json + " is not valid JSON: " + e.getMessage(), e);
        }
        String where = json.toString();
        Path file = dir.resolve(text(root, "file", where));
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(where + ": file " + file + " does not exist");
        JsonNode latent = obj(root, "latent", where), sched = obj(root, "schedule", where), attn = obj(root, "attention", where);
        ScheduleSpec schedule = new ScheduleSpec(text(sched, "betas", where + " schedule"), num(sched, "beta_start", where + " schedule"),
                num(sched, "beta_end", where + " schedule"), integer(sched, "train_steps", where + " schedule"),
                sched.path("prediction").asText("epsilon"));
        Map<String, Long> tokens = new LinkedHashMap<>();
        obj(root, "tokens", where).fields().forEachRemaining(e -> {
            if (!e.getValue().canConvertToLong()) throw new IllegalArgumentException(where + ": tokens." + e.getKey() + " must be an integer id");
            tokens.put(e.getKey(), e.getValue().asLong());
        });
        boolean fixture = root.path("fixture").asBoolean(false);
        String description = root.path("description").asText("");
        ModelCard card = new ModelCard(text(root, "name", where), root.path("version").asText(""), sha256(file),
                new int[]{integer(latent, "channels", where + " latent"), integer(latent, "height", where + " latent"), integer(latent, "width", where + " latent")},
                schedule, integer(root, "context_length", where), tokens, strings(root, "items", where), strings(root, "colours", where),
                new int[]{integer(attn, "height", where + " attention"), integer(attn, "width", where + " attention")},
                root.path("guidance_scale").asDouble(1.0), root.path("recommended_steps").asInt(50),
                strings(root, "capabilities", where), backend, false, (fixture ? "TEST FIXTURE: " : "") + description, maxBatch);
        return new Loaded(card, file, fixture);
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buf = new byte[1 << 16];
            MessageDigest md = ((DigestInputStream) in).getMessageDigest();
            while (in.read(buf) >= 0) { /* digesting */ }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read model file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode obj(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isObject()) throw new IllegalArgumentException(where + ": " + field + " is required (an object)");
        return v;
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException(where + ": " + field + " is required (a string)");
        return v.asText();
    }

    private static double num(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException(where + ": " + field + " is required (a number)");
        return v.asDouble();
    }

    private static int integer(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) throw new IllegalArgumentException(where + ": " + field + " is required (an integer)");
        return v.asInt();
    }

    private static List<String> strings(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) throw new IllegalArgumentException(where + ": " + field + " is required (a list of strings)");
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }
}
