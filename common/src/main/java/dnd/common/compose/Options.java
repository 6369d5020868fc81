package dnd.common.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A method's options as given by a user (name -> text), read once with defaults; every error
 * names the method, the option and what is allowed. {@link #finish()} rejects names nobody read.
 */
public final class Options {

    private final String method;
    private final Map<String, String> values;
    private final Map<String, String> known;   // name -> description, for messages and --help

    public Options(String method, Map<String, String> values, Map<String, String> known) {
        this.method = method;
        this.values = new LinkedHashMap<>();
        if (values != null)
            values.forEach((k, v) -> this.values.put(k.trim().toLowerCase(Locale.ROOT), v == null ? "" : v.trim()));
        this.known = known;
    }

    public boolean has(String name) { return values.containsKey(name); }

    public String string(String name, String fallback, String... allowed) {
        String v = values.getOrDefault(name, fallback).toLowerCase(Locale.ROOT);
        if (allowed.length > 0 && !List.of(allowed).contains(v))
            throw bad(name, v, "one of " + String.join(", ", allowed));
        return v;
    }

    /** A value read by a parser whose error message is wrapped to name the method and the option. */
    public <T> T parsed(String name, String fallback, java.util.function.Function<String, T> parser) {
        String v = values.getOrDefault(name, fallback);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method " + method + ": option " + name + "='" + v + "' is invalid: " + e.getMessage(), e);
        }
    }

    public boolean flag(String name, boolean fallback) {
        String v = values.getOrDefault(name, fallback ? "on" : "off").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw bad(name, v, "on or off");
        };
    }

    /** A number in [min, max]; "inf"/"infinity" allowed when max is +infinity. */
    public double number(String name, double fallback, double min, double max) {
        if (!values.containsKey(name)) return fallback;
        double v = parse(name, values.get(name));
        if (!(v >= min && v <= max)) throw bad(name, values.get(name), "a number in [" + min + ", " + max + "]");
        return v;
    }

    public int integer(String name, int fallback, int min, int max) {
        if (!values.containsKey(name)) return fallback;
        try {
            int v = Integer.parseInt(values.get(name));
            if (v < min || v > max) throw bad(name, values.get(name), "an integer in [" + min + ", " + max + "]");
            return v;
        } catch (NumberFormatException e) {
            throw bad(name, values.get(name), "an integer in [" + min + ", " + max + "]");
        }
    }

    /** A comma-separated list of numbers in [min, max] of length 1 (broadcast) or {@code count}; null when absent. */
    public double[] numbers(String name, int count, double min, double max) {
        if (!values.containsKey(name)) return null;
        String[] parts = values.get(name).split(",");
        if (parts.length != 1 && parts.length != count)
            throw bad(name, values.get(name), "1 or " + count + " comma-separated numbers");
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            double v = parse(name, parts[parts.length == 1 ? 0 : i]);
            if (!(v >= min && v <= max)) throw bad(name, values.get(name), "numbers in [" + min + ", " + max + "]");
            out[i] = v;
        }
        return out;
    }

    /** Throws naming every option that no reader asked for. */
    public void finish(List<String> read) {
        List<String> unknown = new ArrayList<>();
        for (String k : values.keySet()) if (!read.contains(k)) unknown.add(k);
        if (!unknown.isEmpty())
            throw new IllegalArgumentException("method " + method + ": unknown option" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + " (known: " + String.join(", ", new TreeSet<>(known.keySet())) + ")");
    }

    public void finish() { finish(List.copyOf(known.keySet())); }

    private double parse(String name, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("inf") || t.equals("infinity") || t.equals("+inf")) return Double.POSITIVE_INFINITY;
        try {
            double v = Double.parseDouble(t);
            if (Double.isNaN(v)) throw bad(name, text, "a number");
            return v;
        } catch (NumberFormatException e) {
            throw bad(name, text, "a number");
        }
    }

    private IllegalArgumentException bad(String name, String value, String expected) {
        return new IllegalArgumentException("method " + method + ": option " + name + "='" + value + "' is invalid, expected " + expected);
    }
}
