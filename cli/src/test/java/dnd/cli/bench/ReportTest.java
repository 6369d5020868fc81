package dnd.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables line up; --json is {"results":[...]} with numbers, booleans, strings and null for no value. */
class ReportTest {

    @Test
    void jsonCarriesEveryRowWithItsTypes() throws Exception {
        Report r = new Report();
        var a = r.row();
        a.put("method", "dnd");
        a.put("n", 2);
        a.put("overhead_ratio", 1.0712345);
        a.put("batching", true);
        r.row().put("ratio", Double.NaN);
        JsonNode json = new ObjectMapper().readTree(r.json());
        JsonNode rows = json.path("results");
        assertEquals(2, rows.size());
        assertEquals("dnd", rows.get(0).path("method").asText());
        assertEquals(2, rows.get(0).path("n").asInt());
        assertEquals(1.0712, rows.get(0).path("overhead_ratio").asDouble(), 1e-9);
        assertTrue(rows.get(0).path("batching").asBoolean());
        assertTrue(rows.get(1).path("ratio").isNull(), "NaN has no JSON form: null");
    }

    @Test
    void tableHasAHeaderOfEveryColumnAndAlignedRows() {
        Report r = new Report();
        r.row().put("n", 1);
        var b = r.row();
        b.put("n", 8);
        b.put("players", "a:x + b:y");
        List<String> lines = r.table().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("n") && lines.get(0).contains("players"));
        assertTrue(lines.get(1).endsWith("-"), "a missing value shows as -: " + lines.get(1));
        assertEquals(lines.get(0).length(), lines.get(2).length(), "aligned columns");
    }
}
