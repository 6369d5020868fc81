package dnd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ScoresTest {

    private static ImageRecord rec(Task t, String m, int prompt, int image, boolean ok) {
        return new ImageRecord(t, m, prompt, image, 100L * prompt + image, ok, List.of());
    }

    @Test
    void imagesPctIsMeanCorrectnessAndPromptsPctIsAnyCorrect() {
        List<ImageRecord> rs = new ArrayList<>();
        // prompt 0: 1 of 4 correct; prompt 1: 0 of 4; prompt 2: 4 of 4; prompt 3: 0 of 4
        boolean[][] ok = {{false, true, false, false}, {false, false, false, false}, {true, true, true, true}, {false, false, false, false}};
        for (int p = 0; p < 4; p++) for (int i = 0; i < 4; i++) rs.add(rec(Task.TWO_OBJECT, "dnd", p, i, ok[p][i]));
        Score s = Scores.score(rs);
        assertEquals(100.0 * 5 / 16, s.imagesPct(), 1e-12);
        assertEquals(50.0, s.promptsPct(), 1e-12);
        assertEquals(16, s.images());
        assertEquals(4, s.prompts());
        assertTrue(s.promptsPct() >= s.imagesPct());
    }

    @Test
    void groupsByTaskAndMethodInRunOrder() {
        List<ImageRecord> rs = List.of(
                rec(Task.COLOR_ATTR, "dnd", 0, 0, true), rec(Task.COLOR_ATTR, "average", 0, 0, false),
                rec(Task.TWO_OBJECT, "dnd", 0, 0, false), rec(Task.TWO_OBJECT, "dnd", 1, 0, true));
        Map<Task, Map<String, Score>> s = Scores.aggregate(rs);
        assertEquals(List.of(Task.COLOR_ATTR, Task.TWO_OBJECT), List.copyOf(s.keySet()));
        assertEquals(List.of("dnd", "average"), List.copyOf(s.get(Task.COLOR_ATTR).keySet()));
        assertEquals(100.0, s.get(Task.COLOR_ATTR).get("dnd").imagesPct());
        assertEquals(0.0, s.get(Task.COLOR_ATTR).get("average").promptsPct());
        assertEquals(50.0, s.get(Task.TWO_OBJECT).get("dnd").imagesPct());
    }

    @Test
    void jsonAndTablesCarryEveryCell() throws Exception {
        List<ImageRecord> rs = List.of(rec(Task.TWO_OBJECT, "dnd", 0, 0, true), rec(Task.TWO_OBJECT, "dnd", 0, 1, false),
                rec(Task.TWO_OBJECT, "dnd", 1, 0, false), rec(Task.TWO_OBJECT, "dnd", 1, 1, false));
        EvalPlan plan = new EvalPlan(List.of(Task.TWO_OBJECT), List.of("dnd"), MethodDefaults.all(), PromptGeneratorTest.SHIPPED, 2, 2, new SamplerSettings(25, 0, 1, 0.5), 0, false);
        var scores = Scores.aggregate(rs);
        JsonNode j = new ObjectMapper().readTree(ResultsJson.pretty(ResultsJson.of(scores, plan)));
        JsonNode cell = j.at("/tasks/two_object/dnd");
        assertEquals(25.0, cell.get("images_pct").asDouble());
        assertEquals(50.0, cell.get("prompts_pct").asDouble());
        assertEquals(4, cell.get("n_images").asInt());
        assertEquals("proportional", j.at("/options/dnd/fairness").asText());
        assertEquals(0.5, j.at("/settings/eta").asDouble());
        assertEquals(1.0, j.at("/settings/x0_clip").asDouble());
        assertTrue(ResultsTable.text(scores).contains("two_object    dnd                 25.0      50.0       4        2"), ResultsTable.text(scores));
        assertTrue(ResultsTable.markdown(scores).contains("| two_object | dnd | 25.0 | 50.0 | 4 | 2 |"), ResultsTable.markdown(scores));
    }

    @Test
    void verdictNeedsDistinctObjectsAndChecksColourOnlyWhenRequired() {
        DetectedObject redBag = new DetectedObject(Optional.of("bag"), 0.9, "red", 40);
        DetectedObject blueBag = new DetectedObject(Optional.of("bag"), 0.9, "blue", 40);
        DetectedObject unknown = new DetectedObject(Optional.empty(), 0.3, "red", 40);
        Requirement bag = new Requirement("bag", Optional.empty()), blue = new Requirement("bag", Optional.of("blue"));
        assertTrue(Verdict.satisfied(List.of(redBag), List.of(bag)));
        assertFalse(Verdict.satisfied(List.of(redBag), List.of(bag, bag)), "one object cannot satisfy two requirements");
        assertTrue(Verdict.satisfied(List.of(redBag, blueBag), List.of(blue, bag)), "needs the assignment search, not greedy");
        assertFalse(Verdict.satisfied(List.of(redBag, unknown), List.of(blue)));
        assertTrue(Verdict.satisfied(List.of(), List.of()));
    }

    @Test
    void methodOverridesReplaceOneKeyAndRejectUnknownMethods() {
        var o = MethodDefaults.withOverrides(List.of("multidiffusion.bootstrap=0.8", "dnd.beta=4"));
        assertEquals("0.8", o.get("multidiffusion").get("bootstrap"));
        assertEquals("4", o.get("dnd").get("beta"));
        assertEquals("proportional", o.get("dnd").get("fairness"));
        assertThrows(IllegalArgumentException.class, () -> MethodDefaults.withOverrides(List.of("sdxl.beta=1")));
        assertThrows(IllegalArgumentException.class, () -> MethodDefaults.withOverrides(List.of("dnd-beta")));
    }

    @Test
    void everyDefaultOptionIsOneTheCompositionAccepts() {
        assertEquals(new java.util.TreeSet<>(dnd.common.compose.Compositions.methods()), new java.util.TreeSet<>(MethodDefaults.METHODS));
        MethodDefaults.all().forEach((method, options) -> options.keySet().forEach(k ->
                assertTrue(dnd.common.compose.Compositions.options(method).containsKey(k), method + " has no option '" + k + "'")));
    }
}
