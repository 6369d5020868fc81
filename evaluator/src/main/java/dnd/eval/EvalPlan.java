package dnd.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an evaluation runs: tasks x methods x prompts x images, the options of each method, the
 * sampler settings shared by every method and the seed; {@code dev} switches to the
 * development seed set (disjoint from the reported one).
 */
public record EvalPlan(List<Task> tasks, List<String> methods, Map<String, Map<String, String>> options, List<Specialist> specialists,
                       int prompts, int imagesPerPrompt, SamplerSettings sampler, long seed, boolean dev) {

    public EvalPlan {
        if (tasks == null || tasks.isEmpty()) throw new IllegalArgumentException("at least one task is required");
        if (methods == null || methods.isEmpty()) throw new IllegalArgumentException("at least one method is required");
        if (prompts < 1) throw new IllegalArgumentException("--prompts must be >= 1, got " + prompts);
        if (imagesPerPrompt < 1 || imagesPerPrompt > PromptGenerator.MAX_IMAGES_PER_PROMPT)
            throw new IllegalArgumentException("--images-per-prompt must be in 1.." + PromptGenerator.MAX_IMAGES_PER_PROMPT + ", got " + imagesPerPrompt);
        if (sampler == null) throw new IllegalArgumentException("sampler settings are required");
        if (seed < 0) throw new IllegalArgumentException("--seed must be >= 0, got " + seed);
        if (tasks.stream().distinct().count() != tasks.size()) throw new IllegalArgumentException("a task is listed twice: " + tasks);
        if (methods.stream().distinct().count() != methods.size()) throw new IllegalArgumentException("a method is listed twice: " + methods);
        for (String m : methods)
            if (!options.containsKey(m)) throw new IllegalArgumentException("no options for method '" + m + "'");
        tasks = List.copyOf(tasks);
        methods = List.copyOf(methods);
        specialists = List.copyOf(specialists);
        Map<String, Map<String, String>> o = new LinkedHashMap<>();
        options.forEach((k, v) -> o.put(k, Map.copyOf(v)));
        options = java.util.Collections.unmodifiableMap(o);
    }

    public Map<String, String> optionsOf(String method) { return options.get(method); }

    public int totalImages() { return tasks.size() * methods.size() * prompts * imagesPerPrompt; }
}
