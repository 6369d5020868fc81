package dnd.cli.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** KEY=VALUE method options from the command line. */
final class Options {

    private Options() {}

    static Map<String, String> parse(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--option: expected KEY=VALUE, got '" + p + "'");
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }
}
