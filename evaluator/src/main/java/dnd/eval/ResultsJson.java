package dnd.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * The machine-readable result: {"tasks":{TASK:{METHOD:{"images_pct","prompts_pct","n_images","n_prompts"}}},
 * "settings":{...}, "options":{METHOD:{...}}}, percentages rounded to 0.1.
 */
public final class ResultsJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultsJson() {}

    public static ObjectNode of(Map<Task, Map<String, Score>> scores, EvalPlan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode tasks = root.putObject("tasks");
        scores.forEach((task, byMethod) -> {
            ObjectNode t = tasks.putObject(task.id());
            byMethod.forEach((method, s) -> {
                ObjectNode m = t.putObject(method);
                m.put("images_pct", round1(s.imagesPct()));
                m.put("prompts_pct", round1(s.promptsPct()));
                m.put("n_images", s.images());
                m.put("n_prompts", s.prompts());
            });
        });
        ObjectNode settings = root.putObject("settings");
        settings.put("seed", plan.seed());
        settings.put("dev", plan.dev());
        settings.put("prompts_per_task", plan.prompts());
        settings.put("images_per_prompt", plan.imagesPerPrompt());
        settings.put("steps", plan.sampler().steps());
        settings.put("guidance_scale", plan.sampler().guidanceScale());
        settings.put("x0_clip", plan.sampler().x0Clip());
        settings.put("eta", plan.sampler().eta());
        settings.putPOJO("specialists", plan.specialists().stream().map(Specialist::model).toList());
        ObjectNode options = root.putObject("options");
        for (String method : plan.methods()) {
            ObjectNode o = options.putObject(method);
            new TreeMap<>(plan.optionsOf(method)).forEach(o::put);
        }
        return root;
    }

    public static String pretty(ObjectNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double round1(double x) { return Math.round(x * 10.0) / 10.0; }
}
