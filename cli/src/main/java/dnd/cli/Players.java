package dnd.cli;

import dnd.proto.Player;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the client's player and option arguments. */
final class Players {

    private Players() {}

    /** "MODEL:CONCEPT", e.g. "apparel:red trouser". */
    static Player parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
            throw new IllegalArgumentException("--player must be MODEL:CONCEPT (e.g. apparel:trouser), got '" + text + "'");
        return Player.newBuilder().setModel(text.substring(0, colon).trim()).setConcept(text.substring(colon + 1).trim()).build();
    }

    /** "k=v" pairs, in order. */
    static Map<String, String> options(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--option must be KEY=VALUE, got '" + p + "'");
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }
}
