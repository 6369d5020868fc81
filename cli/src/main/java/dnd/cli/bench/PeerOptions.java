package dnd.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * dnd's options as arguments of the PyTorch peer (training/peer_sampler.py), which implements
 * the method with proportional fairness and the attention utility, and the options beta, delta,
 * gamma, repel and guidance-from. Anything else would make the two sides compute different
 * compositions, so it is refused with the option's name.
 */
final class PeerOptions {

    private PeerOptions() {}

    static List<String> arguments(Map<String, String> options) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey(), value = e.getValue();
            switch (key) {
                case "fairness" -> require(key, value, "proportional");
                case "utility" -> require(key, value, "attention");
                case "beta" -> args.addAll(List.of("--beta-prime", number(key, value)));
                case "delta" -> args.addAll(List.of("--delta", number(key, value)));
                case "gamma" -> args.addAll(List.of("--gamma", number(key, value)));
                case "repel" -> args.addAll(List.of("--repel", number(key, value)));
                case "guidance-from" -> args.addAll(List.of("--guidance-from", oneOf(key, value, "current", "previous")));
                default -> throw new IllegalArgumentException("--option " + key + ": the PyTorch peer does not implement it"
                        + " (it implements beta, delta, gamma, repel and guidance-from, with fairness=proportional and utility=attention)");
            }
        }
        return args;
    }

    private static void require(String key, String value, String only) {
        if (!value.equals(only)) throw new IllegalArgumentException("--option " + key + "=" + value + ": the PyTorch peer implements " + key + "=" + only + " only");
    }

    private static String oneOf(String key, String value, String... allowed) {
        if (!List.of(allowed).contains(value))
            throw new IllegalArgumentException("--option " + key + "=" + value + ": expected one of " + String.join(", ", allowed));
        return value;
    }

    private static String number(String key, String value) {
        try {
            double v = Double.parseDouble(value);
            if (!Double.isFinite(v) || v < 0) throw new NumberFormatException();
            return Double.toString(v);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--option " + key + "=" + value + ": expected a finite number >= 0");
        }
    }
}
