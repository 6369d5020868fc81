package dnd.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.cli.CliRun;
import org.junit.jupiter.api.Test;

/** The whole benchmark path for real: node JVMs, the coordinator, jobs, the timing in the events, the JSON rows. */
class FanoutBenchTest {

    @Test
    void fanoutOverTwoSyntheticNodeJvmsReportsARowPerN() throws Exception {
        CliRun run = CliRun.of("bench", "fanout", "--json", "--nodes", "1,2", "--shape", "1x8x8", "--cost", "5ms",
                "--steps", "3", "--repeats", "1", "--warmup", "0", "--node-jvm-options", "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        assertEquals(0, run.exitCode());
        JsonNode rows = new ObjectMapper().readTree(run.stdout()).get("results");
        assertEquals(2, rows.size());
        assertEquals(1, rows.get(0).get("n").asInt());
        assertEquals(2, rows.get(1).get("n").asInt());
        assertEquals(1.0, rows.get(0).get("latency_ratio_vs_n1").asDouble(), 1e-12);
        for (JsonNode r : rows) {
            assertEquals(2, r.get("samples").asInt(), "steps 1..2 of one job (step 0 opens the streams)");
            // a synthetic call parks for its cost: the node's compute is at least that, the step at least its compute
            assertTrue(r.get("median_compute_ms").asDouble() >= 5, r.toString());
            assertTrue(r.get("median_step_ms").asDouble() >= r.get("median_compute_ms").asDouble(), r.toString());
        }
    }
}
