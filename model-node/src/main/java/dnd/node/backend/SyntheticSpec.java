package dnd.node.backend;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a synthetic denoiser pretends to be, parsed from {@code --synthetic}:
 * {@code shape=4x64x64,cost=20ms[,per-item=0.5ms][,attention=16x16][,context=8][,name=synthetic]}.
 * {@code cost} is paid once per backend call (like a GPU kernel launch that batching amortises),
 * {@code per-item} once per latent row in the call; a utility_grad call costs 1.5x.
 */
public record SyntheticSpec(String name, int[] latentShape, int[] attentionShape, int contextLength,
                            double costMs, double perItemMs) {

    public SyntheticSpec {
        if (latentShape.length != 3 || Arrays.stream(latentShape).anyMatch(d -> d < 1))
            throw new IllegalArgumentException("synthetic shape must be CxHxW with positive sizes");
        if (attentionShape.length != 2 || Arrays.stream(attentionShape).anyMatch(d -> d < 1))
            throw new IllegalArgumentException("synthetic attention must be hxw with positive sizes");
        if (contextLength < 3) throw new IllegalArgumentException("synthetic context must be >= 3");
        if (!(costMs >= 0) || !(perItemMs >= 0)) throw new IllegalArgumentException("synthetic cost and per-item must be >= 0 ms");
    }

    private static final java.util.Set<String> KEYS = java.util.Set.of("shape", "attention", "context", "name", "cost", "per-item");

    public static SyntheticSpec parse(String spec) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) continue;
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--synthetic: expected key=value, got '" + part + "'");
            kv.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        for (String k : kv.keySet())
            if (!KEYS.contains(k)) throw new IllegalArgumentException("--synthetic: unknown key '" + k + "' (known: " + KEYS + ")");
        int[] shape = dims(kv.getOrDefault("shape", "4x64x64"), 3, "shape");
        int[] attn = dims(kv.getOrDefault("attention", Math.max(1, shape[1] / 4) + "x" + Math.max(1, shape[2] / 4)), 2, "attention");
        return new SyntheticSpec(kv.getOrDefault("name", "synthetic"), shape, attn, Integer.parseInt(kv.getOrDefault("context", "8")),
                millis(kv.getOrDefault("cost", "20ms"), "cost"), millis(kv.getOrDefault("per-item", "0ms"), "per-item"));
    }


    private static int[] dims(String s, int n, String key) {
        String[] parts = s.toLowerCase().split("x");
        if (parts.length != n) throw new IllegalArgumentException("--synthetic " + key + ": expected " + n + " sizes like " + (n == 3 ? "4x64x64" : "16x16") + ", got " + s);
        try {
            return Arrays.stream(parts).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--synthetic " + key + ": not a number in " + s);
        }
    }

    private static double millis(String s, String key) {
        String v = s.toLowerCase();
        try {
            if (v.endsWith("ms")) return Double.parseDouble(v.substring(0, v.length() - 2));
            if (v.endsWith("us")) return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
            if (v.endsWith("s")) return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--synthetic " + key + ": expected a duration like 20ms, got " + s);
        }
    }

    public String canonical() {
        return "name=" + name + ",shape=" + latentShape[0] + "x" + latentShape[1] + "x" + latentShape[2]
                + ",attention=" + attentionShape[0] + "x" + attentionShape[1] + ",context=" + contextLength
                + ",cost=" + costMs + "ms,per-item=" + perItemMs + "ms";
    }
}
