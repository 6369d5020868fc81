package dnd.tests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.cli.Main;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A small `dnd eval` run end to end (embedded cluster: real coordinator and model nodes over
 * loopback gRPC, real TorchScript specialists, the committed evaluator): two methods, two prompts
 * of two images. Checks the pipeline (files, JSON shape, consistency of the numbers), not the
 * score.
 */
class EvalCommandTest {

    static final List<String> METHODS = List.of("average", "multidiffusion");

    @Test
    void smallEvalRunWritesEverythingAndReportsConsistentNumbers(@TempDir Path out) throws Exception {
        Path models = SpecialistShapesTest.root().resolve("models");
        Assumptions.assumeTrue(Files.isRegularFile(models.resolve("evaluator/classifier.pt")), "models/evaluator not present");
        long specialists;
        try (Stream<Path> dirs = Files.list(models)) {
            specialists = dirs.filter(d -> Files.isRegularFile(d.resolve("model.json")))
                    .filter(d -> !read(d.resolve("model.json")).path("fixture").asBoolean(false)).count();
        }
        Assumptions.assumeTrue(specialists >= 2, "needs two shipped specialists, found " + specialists);

        StringWriter stdout = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(stdout));
        int rc = cli.execute("eval", "--tasks", "two_object", "--methods", String.join(",", METHODS), "--prompts", "2",
                "--images-per-prompt", "2", "--steps", "4", "--seed", "3", "--json", "--no-progress",
                "--models", models.toString(), "--evaluator", models.resolve("evaluator").toString(), "--out", out.toString());
        assertEquals(0, rc, "dnd eval exit code; stdout: " + stdout);

        JsonNode result = new ObjectMapper().readTree(stdout.toString());
        JsonNode task = result.get("tasks").get("two_object");
        assertEquals(METHODS, iterable(task.fieldNames()));
        for (String m : METHODS) {
            JsonNode cell = task.get(m);
            double images = cell.get("images_pct").asDouble(), prompts = cell.get("prompts_pct").asDouble();
            assertEquals(4, cell.get("n_images").asInt());
            assertEquals(2, cell.get("n_prompts").asInt());
            assertTrue(images >= 0 && images <= 100 && prompts >= images, m + ": " + cell);

            Path dir = out.resolve("two_object").resolve(m);
            for (int p = 0; p < 2; p++)
                for (int i = 0; i < 2; i++) {
                    byte[] png = Files.readAllBytes(dir.resolve(p + "-" + i + ".png"));
                    assertEquals((byte) 0x89, png[0], "PNG signature of " + p + "-" + i);
                }
            JsonNode verdicts = new ObjectMapper().readTree(dir.resolve("verdicts.json").toFile());
            assertEquals(4, verdicts.size());
            int correct = 0;
            for (JsonNode v : verdicts) correct += v.get("correct").asBoolean() ? 1 : 0;
            assertEquals(Math.round(1000.0 * correct / 4) / 10.0, images, 1e-9, m + " %images agrees with verdicts.json");
            assertTrue(Files.size(dir.resolve("contact-sheet.png")) > 0);
        }
        JsonNode prompts = new ObjectMapper().readTree(out.resolve("two_object/prompts.json").toFile());
        assertEquals(2, prompts.size());
        for (JsonNode p : prompts) {
            JsonNode players = p.get("players");
            assertEquals(2, players.size());
            assertNotEquals(players.get(0).get("model").asText(), players.get(1).get("model").asText(), "two different specialists");
        }
        assertTrue(Files.readString(out.resolve("results.md")).contains("./dnd eval --tasks two_object"));
        assertEquals(result, new ObjectMapper().readTree(out.resolve("results.json").toFile()));
    }

    private static JsonNode read(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
