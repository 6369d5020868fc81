package dnd.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void solverJsonHasOneResultPerNotionSizeAndStart() throws Exception {
        CliRun run = CliRun.of("bench", "solver", "--json", "--players", "2,3", "--features", "64",
                "--notions", "proportional,envy-free", "--steps", "4", "--repeats", "1");
        assertEquals(0, run.exitCode());
        JsonNode results = new ObjectMapper().readTree(run.stdout()).get("results");
        assertEquals(2 * 2 * 2, results.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode r : results) {
            seen.add(r.get("notion").asText() + "/" + r.get("n").asInt() + "/" + r.get("m").asInt() + "/" + r.get("start").asText());
            assertTrue(r.get("median_ms").asDouble() >= 0);
            assertTrue(r.get("max_kkt").asDouble() <= 1e-8, r.toString());
            assertEquals(3, r.get("samples").asInt());
        }
        assertTrue(seen.contains("envy-free/3/64/warm") && seen.contains("proportional/2/64/cold"), seen.toString());
    }

    @Test
    void badParametersAreNamed() {
        CommandLine cl = new CommandLine(new Main());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertNotEquals(0, cl.execute("bench", "solver", "--steps", "1"));
        assertTrue(err.toString().contains("--steps"), err.toString());
    }
}
