package dnd.common.compose;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates a composition strategy by name, validating its options (errors name the bad one). */
public final class Compositions {

    private static final Map<String, Map<String, String>> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put("average", AverageComposition.OPTIONS);
        OPTIONS.put("composable", ComposableComposition.OPTIONS);
        OPTIONS.put("multidiffusion", MultiDiffusionComposition.OPTIONS);
        OPTIONS.put("dnd", DndComposition.OPTIONS);
        Map<String, String> nofair = new LinkedHashMap<>(DndComposition.OPTIONS);
        nofair.remove("fairness");
        OPTIONS.put("dnd-nofair", nofair);
        OPTIONS.put("amdm", AmdmComposition.OPTIONS);
    }

    private Compositions() {}

    /** The method names, in a stable order. */
    public static List<String> methods() { return List.copyOf(OPTIONS.keySet()); }

    /** A method's options: name -> description with the default (for --help and error messages). */
    public static Map<String, String> options(String method) {
        Map<String, String> o = OPTIONS.get(method);
        if (o == null) throw unknown(method);
        return java.util.Collections.unmodifiableMap(o);
    }

    public static Composition create(String method, Map<String, String> options, List<PlayerSpec> players, SamplerConfig cfg) {
        if (method == null || !OPTIONS.containsKey(method)) throw unknown(method);
        Options o = new Options(method, options, OPTIONS.get(method));
        Sampling s = new Sampling(players, cfg);
        rejectUnused(method, s.players);
        return switch (method) {
            case "average" -> new AverageComposition(s, o);
            case "composable" -> new ComposableComposition(s, o);
            case "multidiffusion" -> new MultiDiffusionComposition(s, o);
            case "dnd" -> new DndComposition("dnd", s, o, false);
            case "dnd-nofair" -> new DndComposition("dnd-nofair", s, o, true);
            case "amdm" -> new AmdmComposition(s, o);
            default -> throw unknown(method);
        };
    }

    /** Player extras a method would silently ignore are errors instead. */
    private static void rejectUnused(String method, List<PlayerSpec> players) {
        for (int i = 0; i < players.size(); i++) {
            PlayerSpec p = players.get(i);
            String who = "method " + method + ": player " + i + " (" + p.label() + ")";
            if (!method.equals("composable") && p.negate())
                throw new IllegalArgumentException(who + " is negated, but only composable supports NOT");
            if (!method.equals("composable") && p.weight() != 0)
                throw new IllegalArgumentException(who + " has weight " + p.weight() + ", but only composable uses player weights");
            if (p.region().isPresent() && !method.equals("multidiffusion") && !method.startsWith("dnd"))
                throw new IllegalArgumentException(who + " has a region, but only multidiffusion and dnd (initial allocation) use regions");
        }
    }

    private static IllegalArgumentException unknown(String method) {
        return new IllegalArgumentException("method: unknown '" + method + "' (use " + String.join(", ", OPTIONS.keySet()) + ")");
    }
}
