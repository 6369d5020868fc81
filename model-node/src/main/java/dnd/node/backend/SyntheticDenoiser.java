package dnd.node.backend;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for a GPU model of a given latency and shape, for cluster benchmarks: no network.
 * It waits (without burning CPU, as a host waiting on a GPU would) for {@code cost + per-item * rows}
 * per call and returns deterministic outputs: eps = nu_t * x + 0.05 * nu_t * sin(0.01 i + item
 * token) (the exact eps of N(0, I) data, nudged by the context so cond and uncond differ), and fixed
 * attention maps that do not depend on x (so the utility gradient is exactly zero). The x-independent
 * terms (the sines, the attention maps) are computed once per token and kept: a GPU stand-in that
 * burnt the host's CPU on them made nodes compete with the coordinator for the cores of a small
 * benchmark box, which a real GPU node does not.
 */
public final class SyntheticDenoiser implements Denoiser {

    private static final List<String> ITEMS = List.of("square", "circle", "triangle", "star");
    private static final List<String> COLOURS = List.of("red", "green", "blue", "yellow");

    private final SyntheticSpec spec;
    private final ModelCard card;
    private final NoiseSchedule schedule;
    /** Per item token, sin(0.01 i + token) for every latent element i. */
    private final Map<Long, double[]> wiggles = new ConcurrentHashMap<>();
    /** Per context row, its attention maps [L, h, w]. */
    private final Map<List<Long>, float[]> maps = new ConcurrentHashMap<>();

    public SyntheticDenoiser(SyntheticSpec spec, int maxBatch) {
        this.spec = spec;
        Map<String, Long> tokens = new LinkedHashMap<>();
        tokens.put(ModelCard.START, 0L);
        tokens.put(ModelCard.NULL, 1L);
        tokens.put(ModelCard.PAD, 2L);
        for (String s : ITEMS) tokens.put(s, (long) tokens.size());
        for (String s : COLOURS) tokens.put(s, (long) tokens.size());
        ScheduleSpec schedule = ScheduleSpec.linearDefault();
        this.card = new ModelCard(spec.name(), "synthetic-1", sha256(spec.canonical()), spec.latentShape(), schedule,
                spec.contextLength(), tokens, ITEMS, COLOURS, spec.attentionShape(), 3.0, 25,
                List.of("eps", "attention", "utility_grad"), "synthetic", true,
                "SYNTHETIC stand-in for benchmarks, not a real model: " + spec.canonical(), maxBatch);
        this.schedule = NoiseSchedule.of(schedule);
    }

    @Override
    public ModelCard card() { return card; }

    @Override
    public Forward forward(FloatTensor x, long[] t, long[][] tokens) {
        long start = System.nanoTime();
        int rows = x.dim(0), d = x.itemSize();
        float[] eps = new float[x.size()];
        for (int b = 0; b < rows; b++) {
            double nu = Math.sqrt(1 - schedule.alphaBar(t[b]));
            double[] wiggle = wiggles.computeIfAbsent(tokens[b][ModelCard.ITEM_POSITION], item -> sines(d, item));
            for (int i = 0; i < d; i++) {
                int k = b * d + i;
                eps[k] = (float) (nu * x.data()[k] + 0.05 * nu * wiggle[i]);
            }
        }
        FloatTensor attention = attention(rows, tokens);
        pay(spec.costMs() + spec.perItemMs() * rows, start);
        return new Forward(new FloatTensor(x.shape().clone(), eps), attention);
    }

    @Override
    public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor weights) {
        long start = System.nanoTime();
        int rows = x.dim(0);
        FloatTensor attention = attention(rows, tokens);
        int l = spec.contextLength(), m = spec.attentionShape()[0] * spec.attentionShape()[1];
        float[] u = new float[rows];
        for (int b = 0; b < rows; b++) {
            double sum = 0;
            for (int k = 0; k < l; k++) {
                int off = (b * l + k) * m;
                double norm = 0;
                for (int p = 0; p < m; p++) norm += attention.data()[off + p];
                for (int p = 0; p < m; p++) sum += weights.data()[off + p] * (attention.data()[off + p] / (norm + 1e-12));
            }
            u[b] = (float) sum;
        }
        pay(1.5 * (spec.costMs() + spec.perItemMs() * rows), start);
        return new UtilityGradient(u, FloatTensor.zeros(x.shape()));
    }

    private static double[] sines(int d, long item) {
        double[] out = new double[d];
        for (int i = 0; i < d; i++) out[i] = Math.sin(0.01 * i + item);
        return out;
    }

    private FloatTensor attention(int rows, long[][] tokens) {
        int l = spec.contextLength(), h = spec.attentionShape()[0], w = spec.attentionShape()[1], m = h * w;
        float[] a = new float[rows * l * m];
        for (int b = 0; b < rows; b++) {
            float[] row = maps.computeIfAbsent(Arrays.stream(tokens[b]).boxed().toList(), this::attentionMaps);
            System.arraycopy(row, 0, a, b * l * m, l * m);
        }
        return new FloatTensor(new int[]{rows, l, h, w}, a);
    }

    /** Softmax over the L context positions per pixel of logits cos(0.3 p + token) (token-dependent, x-independent). */
    private float[] attentionMaps(List<Long> context) {
        int l = spec.contextLength(), m = spec.attentionShape()[0] * spec.attentionShape()[1];
        float[] a = new float[l * m];
        double[] logits = new double[l];
        for (int p = 0; p < m; p++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int k = 0; k < l; k++) {
                logits[k] = 2 * Math.cos(0.3 * p + 0.7 * k + context.get(k));
                max = Math.max(max, logits[k]);
            }
            for (int k = 0; k < l; k++) z += Math.exp(logits[k] - max);
            for (int k = 0; k < l; k++) a[k * m + p] = (float) (Math.exp(logits[k] - max) / z);
        }
        return a;
    }

    /** Waits until {@code ms} after {@code start} without spinning. */
    private static void pay(double ms, long start) {
        long deadline = start + (long) (ms * 1e6);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
