package dnd.cli.bench;

import dnd.common.compose.Compositions;
import dnd.eval.MethodDefaults;
import picocli.CommandLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** KEY=VALUE method options from the command line, over a method's shipped defaults. */
final class Options {

    private Options() {}

    /** The end of the benches' --option help: dnd's shipped options, once for all of them. */
    static final String DND_SHIPPED_HELP = "beta=4, fairness=proportional, gamma=2 (guidance: a VJP per step), guidance-from=previous"
            + " (in the step's one round trip), repel=2, utility=attention), e.g. gamma=0 for dnd without guidance,"
            + " guidance-from=current for the spec's order (a second round trip per step). Repeatable.";

    static Map<String, String> parse(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--option: expected KEY=VALUE, got '" + p + "'");
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * The options a benchmark sends for a method: the ones users get ({@link MethodDefaults}, what
     * `dnd sample`, `dnd demo` and `dnd eval` send; for dnd that includes its guidance, a VJP per
     * step), each overridden by a KEY=VALUE pair, e.g. gamma=0 to time dnd without guidance.
     */
    static Map<String, String> shipped(String method, List<String> overrides) {
        Map<String, String> out = new TreeMap<>(MethodDefaults.forRequest(method));
        Map<String, String> given = parse(overrides);
        Set<String> known = Compositions.options(method).keySet();
        for (String key : given.keySet())
            if (!known.contains(key))
                throw new IllegalArgumentException("--option " + key + ": method " + method + " has no such option (known: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        out.putAll(given);
        return out;
    }

    /** {@link #shipped}, a bad pair being the command's usage error (a message, not a stack trace). */
    static Map<String, String> shipped(Object command, String method, List<String> overrides) {
        return asUsageError(command, () -> shipped(method, overrides));
    }

    /** Runs a check of command-line input; its IllegalArgumentException becomes the command's usage error. */
    static <T> T asUsageError(Object command, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(command), e.getMessage());
        }
    }

    /** key=value,... in key order ("none" when empty), for tables and progress lines. */
    static String label(Map<String, String> options) {
        if (options.isEmpty()) return "none";
        return options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
