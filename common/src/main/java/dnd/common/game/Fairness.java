package dnd.common.game;

import java.util.EnumSet;
import java.util.Locale;

/** A fairness notion of the allocation game (spec 2.4); several can be stacked. */
public enum Fairness {
    /** V_i >= (1 - delta)/n * sum_j u_ij: every real player gets its share of its own total utility. */
    PROPORTIONAL("proportional"),
    /** V_i >= (1 - delta) V_{i<-k} for every other real player k: nobody prefers another's share. */
    ENVY_FREE("envy-free"),
    /** V_i - V_k <= tolerance for every pair of real players. */
    EQUITABLE("equitable");

    private final String label;

    Fairness(String label) { this.label = label; }

    public String label() { return label; }

    /** Parses "proportional", "envy-free,equitable", "none" (the empty set); names what is unknown. */
    public static EnumSet<Fairness> parseSet(String text) {
        EnumSet<Fairness> out = EnumSet.noneOf(Fairness.class);
        if (text == null) throw new IllegalArgumentException("fairness: value is required");
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty() || p.equals("none")) continue;
            Fairness f = null;
            for (Fairness c : values()) if (c.label.equals(p) || c.name().equalsIgnoreCase(p.replace('-', '_'))) f = c;
            if (f == null) throw new IllegalArgumentException("fairness: unknown notion '" + part.trim() + "' (use proportional, envy-free, equitable or none, comma-separated)");
            out.add(f);
        }
        return out;
    }

    @Override
    public String toString() { return label; }
}
