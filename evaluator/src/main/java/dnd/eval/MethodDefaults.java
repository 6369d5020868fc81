package dnd.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-method option sets `dnd eval` sends in ComposeRequest.options, in one place so they can
 * be tuned (on development seeds: `dnd eval --dev`) and listed in docs/results.md. A user's
 * `--option method.key=value` overrides an entry here.
 */
public final class MethodDefaults {

    /** The methods of the table, in table order. */
    public static final List<String> METHODS = List.of("average", "composable", "multidiffusion", "amdm", "dnd", "dnd-nofair");

    private static final Map<String, Map<String, String>> DEFAULTS = build();

    private MethodDefaults() {}

    private static Map<String, Map<String, String>> build() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        // option names and meanings: dnd.common.compose.Compositions.options(method). Chosen on
        // development seeds by tools/tune-methods.sh (docs/results.md, "Tuning"): the best mean
        // %images over the three tasks of each method's grid.
        m.put("average", Map.of());
        m.put("composable", Map.of("weights", "each"));
        // fixed layout of equal vertical strips; players see only their own strip over a black
        // canvas (the specialists' training background) for this fraction of the steps
        m.put("multidiffusion", Map.of("bootstrap", "0.1", "background", "black"));
        m.put("amdm", Map.of("target", "mean", "clamp", "on", "renormalise", "on", "window-end", "24"));
        // repel and gamma 2: tuning stage 4 (session 5). guidance-from=previous (session 10): the
        // guidance uses the last step's allocation, so a step is one round trip to the nodes
        // instead of two; it draws as well as the spec's order on the development seeds and the
        // test prompts (docs/results.md, "Guidance from the previous step's allocation")
        m.put("dnd", Map.of("fairness", "proportional", "utility", "attention", "beta", "4", "gamma", "2", "repel", "2",
                "guidance-from", "previous"));
        // the ablation: dnd's options without the fairness constraints (not tuned on its own),
        // derived so that the two cannot drift apart when dnd's options change
        Map<String, String> nofair = new LinkedHashMap<>(m.get("dnd"));
        nofair.remove("fairness");
        m.put("dnd-nofair", nofair);
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        m.forEach((k, v) -> frozen.put(k, Map.copyOf(v)));
        return java.util.Collections.unmodifiableMap(frozen);
    }

    public static Map<String, String> of(String method) {
        Map<String, String> o = DEFAULTS.get(method);
        if (o == null) throw new IllegalArgumentException("unknown method '" + method + "' (known: " + METHODS + ")");
        return o;
    }

    /**
     * The options a client sends for a method when its user gave none: the tuned defaults, or none
     * for a method outside the table (the coordinator then names what is wrong with it).
     */
    public static Map<String, String> forRequest(String method) {
        return DEFAULTS.getOrDefault(method, Map.of());
    }

    /** The defaults of every method, in table order. */
    public static Map<String, Map<String, String>> all() { return DEFAULTS; }

    /**
     * The defaults with overrides applied; each override is "method.key=value".
     * @throws IllegalArgumentException naming a malformed override or an unknown method
     */
    public static Map<String, Map<String, String>> withOverrides(List<String> overrides) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        DEFAULTS.forEach((k, v) -> out.put(k, new java.util.TreeMap<>(v)));
        for (String o : overrides) {
            int dot = o.indexOf('.'), eq = o.indexOf('=');
            if (dot <= 0 || eq <= dot + 1) throw new IllegalArgumentException("option '" + o + "' must look like method.key=value");
            String method = o.substring(0, dot);
            of(method);
            out.get(method).put(o.substring(dot + 1, eq), o.substring(eq + 1));
        }
        return out;
    }
}
