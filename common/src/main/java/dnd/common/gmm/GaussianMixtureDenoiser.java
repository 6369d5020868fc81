package dnd.common.gmm;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An analytic denoiser whose data distribution is a Gaussian mixture, so its noise prediction,
 * attention maps and their vector-Jacobian products are exact (no network, no training).
 *
 * <p>For a context, the clean data is a mixture of components N(m_k, s^2 I) with equal weights
 * (the null context: equal weight per item, then per component). Noised at t, component k is
 * N(kappa m_k, v I) with v = kappa^2 s^2 + nu^2, so with responsibilities r_k(x):
 * <pre>
 *   eps(x, t) = -nu * score = (nu / v) * (x - kappa * sum_k r_k m_k)
 * </pre>
 * Attention: each component has a footprint f_k (its blob on the attention grid, peak below 1).
 * The item token's map is F = sum_k r_k f_k, the start token gets 1 - F, every other token 0, so
 * the maps sum to 1 over tokens at every pixel (a softmax's property). Under the null context the
 * start token holds everything. {@link #utilityGrad} differentiates sum(weights * A_l / sum A_l)
 * exactly through r_k(x).
 *
 * <p>Immutable after construction and thread-safe; deterministic (double arithmetic in a fixed order).
 */
public final class GaussianMixtureDenoiser implements Denoiser {

    private static final int CONTEXT_LENGTH = 4;

    private final GmmSpec spec;
    private final ModelCard card;
    private final NoiseSchedule schedule;
    private final int d;
    private final int a;
    private final double[][] means;       // [component][d]
    private final double[][] footprints;  // [component][h*w]
    private final int[] componentItem;
    private final int[] componentColour;
    private final long startId, nullId, padId;
    private final Map<Long, Integer> itemByToken = new LinkedHashMap<>();
    private final Map<Long, Integer> colourByToken = new LinkedHashMap<>();

    public GaussianMixtureDenoiser(GmmSpec spec) {
        this.spec = spec;
        this.schedule = NoiseSchedule.of(spec.schedule());
        int c = spec.channels(), h = spec.height(), w = spec.width();
        this.d = c * h * w;
        this.a = spec.attentionHeight() * spec.attentionWidth();
        List<String> items = new ArrayList<>(spec.items().keySet());
        List<String> colours = new ArrayList<>(spec.colours().keySet());
        Map<String, Long> tokens = new LinkedHashMap<>();
        tokens.put(ModelCard.START, 0L);
        tokens.put(ModelCard.NULL, 1L);
        tokens.put(ModelCard.PAD, 2L);
        long next = 3;
        for (String it : items) { itemByToken.put(next, itemByToken.size()); tokens.put(it, next++); }
        for (String co : colours) { colourByToken.put(next, colourByToken.size()); tokens.put(co, next++); }
        startId = 0; nullId = 1; padId = 2;

        List<double[]> ms = new ArrayList<>(), fs = new ArrayList<>();
        List<Integer> ci = new ArrayList<>(), cc = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            for (double[] pos : spec.items().get(items.get(i))) {
                double[] bump = bump(pos, h, w, spec.blobRadius());
                double[] foot = bump(pos, spec.attentionHeight(), spec.attentionWidth(), spec.blobRadius());
                for (int k = 0; k < foot.length; k++) foot[k] *= spec.footprintPeak();
                for (int co = 0; co < colours.size(); co++) {
                    float[] col = spec.colours().get(colours.get(co));
                    double[] m = new double[d];
                    for (int ch = 0; ch < c; ch++)
                        for (int j = 0; j < h * w; j++) m[ch * h * w + j] = -1 + (col[ch] + 1) * bump[j];
                    ms.add(m); fs.add(foot); ci.add(i); cc.add(co);
                }
            }
        }
        means = ms.toArray(new double[0][]);
        footprints = fs.toArray(new double[0][]);
        componentItem = ci.stream().mapToInt(Integer::intValue).toArray();
        componentColour = cc.stream().mapToInt(Integer::intValue).toArray();

        card = new ModelCard(spec.name(), "analytic-1", "", new int[]{c, h, w}, spec.schedule(), CONTEXT_LENGTH, tokens,
                items, colours, new int[]{spec.attentionHeight(), spec.attentionWidth()}, spec.guidanceScale(),
                spec.recommendedSteps(), List.of("eps", "attention", "utility_grad"), "gaussian-mixture", true,
                "Analytic Gaussian mixture of coloured blobs (exact eps, attention and VJP)", 64);
    }

    public static GaussianMixtureDenoiser defaults() { return new GaussianMixtureDenoiser(GmmSpec.defaults()); }

    public GmmSpec spec() { return spec; }

    @Override
    public ModelCard card() { return card; }

    /** Number of mixture components (over all contexts). */
    public int components() { return means.length; }

    @Override
    public Forward forward(FloatTensor x, long[] t, long[][] tokens) {
        int b = checkBatch(x, t, tokens);
        int l = CONTEXT_LENGTH, hw = a;
        float[] eps = new float[b * d];
        float[] attn = new float[b * l * hw];
        double[] xd = new double[d];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < d; k++) xd[k] = x.data()[i * d + k];
            Posterior p = posterior(xd, t[i], tokens[i], "tokens[" + i + "]");
            double[] mbar = new double[d];
            for (int q = 0; q < p.comps.length; q++) {
                double r = p.resp[q];
                if (r == 0) continue;
                double[] m = means[p.comps[q]];
                for (int k = 0; k < d; k++) mbar[k] += r * m[k];
            }
            double scale = p.nu / p.v;
            for (int k = 0; k < d; k++) eps[i * d + k] = (float) (scale * (xd[k] - p.kappa * mbar[k]));
            double[][] maps = attentionMaps(p);
            for (int pos = 0; pos < l; pos++)
                for (int j = 0; j < hw; j++) attn[(i * l + pos) * hw + j] = (float) maps[pos][j];
        }
        return new Forward(new FloatTensor(x.shape().clone(), eps),
                new FloatTensor(new int[]{b, l, spec.attentionHeight(), spec.attentionWidth()}, attn));
    }

    @Override
    public UtilityGradient utilityGrad(FloatTensor x, long[] t, long[][] tokens, FloatTensor weights) {
        int b = checkBatch(x, t, tokens);
        int l = CONTEXT_LENGTH, hw = a;
        int[] ws = weights.shape();
        if (ws.length != 4 || ws[0] != b || ws[1] != l || ws[2] != spec.attentionHeight() || ws[3] != spec.attentionWidth())
            throw new IllegalArgumentException("weights: expected shape [" + b + "," + l + "," + spec.attentionHeight() + ","
                    + spec.attentionWidth() + "], got " + Arrays.toString(ws));
        float[] u = new float[b];
        float[] grad = new float[b * d];
        double[] xd = new double[d];
        double[] wd = new double[l * hw];
        double[] g = new double[d];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < d; k++) xd[k] = x.data()[i * d + k];
            for (int k = 0; k < l * hw; k++) wd[k] = weights.data()[i * l * hw + k];
            u[i] = (float) utilityAndGradient(xd, t[i], tokens[i], wd, g, "tokens[" + i + "]");
            for (int k = 0; k < d; k++) grad[i * d + k] = (float) g[k];
        }
        return new UtilityGradient(u, new FloatTensor(x.shape().clone(), grad));
    }


    /**
     * U = sum_l sum_j w[l,j] A_l[j] / sum_j A_l[j] at (x, t, context), in double; writes dU/dx into
     * {@code gradOut} (length d) and returns U.
     */
    double utilityAndGradient(double[] xd, long t, long[] context, double[] w, double[] gradOut, String field) {
        int l = CONTEXT_LENGTH, hw = a;
        Posterior p = posterior(xd, t, context, field);
        double[][] maps = attentionMaps(p);
        double[] phi = new double[hw];      // dU/dF, F = sum_k r_k f_k
        double util = 0;
        for (int pos = 0; pos < l; pos++) {
            double[] am = maps[pos];
            double s = 0;
            for (int j = 0; j < hw; j++) s += am[j];
            if (s <= 0) continue;                       // an all-zero map normalises to zero: no value, no gradient
            double wa = 0;
            for (int j = 0; j < hw; j++) wa += w[pos * hw + j] * am[j];
            wa /= s;
            util += wa;
            double slope = p.mapSlope[pos];
            if (slope == 0) continue;
            for (int j = 0; j < hw; j++) phi[j] += slope * (w[pos * hw + j] - wa) / s;
        }
        double[] psi = new double[p.comps.length];
        double psiBar = 0;
        for (int q = 0; q < p.comps.length; q++) {
            double[] f = footprints[p.comps[q]];
            double sum = 0;
            for (int j = 0; j < hw; j++) sum += phi[j] * f[j];
            psi[q] = sum;
            psiBar += p.resp[q] * sum;
        }
        // dU/dx = sum_k r_k (psi_k - psibar) * d logit_k / dx, and d logit_k/dx = -(x - kappa m_k)/v;
        // the x part cancels because the coefficients sum to zero.
        double scale = p.kappa / p.v;
        Arrays.fill(gradOut, 0);
        for (int q = 0; q < p.comps.length; q++) {
            double coef = p.resp[q] * (psi[q] - psiBar) * scale;
            if (coef == 0) continue;
            double[] m = means[p.comps[q]];
            for (int k = 0; k < d; k++) gradOut[k] += coef * m[k];
        }
        return util;
    }

    /** log p_t(x) under a context (for tests: eps must equal -nu * its gradient). */
    public double logDensity(double[] x, long t, long[] context) {
        Posterior p = posterior(x, t, context, "context");
        return p.logNorm - 0.5 * d * Math.log(2 * Math.PI * p.v);
    }

    // ---------------------------------------------------------------------------------------

    /** Responsibilities of a context's components at x, and what the maps need. */
    private record Posterior(int[] comps, double[] resp, double kappa, double nu, double v, double logNorm,
                             boolean conditional, double[] mapSlope) {}

    private Posterior posterior(double[] x, long t, long[] ctx, String field) {
        double ab = schedule.alphaBar(t);
        double kappa = Math.sqrt(ab), nu = Math.sqrt(1 - ab);
        double s = spec.dataStd();
        double v = kappa * kappa * s * s + nu * nu;
        int item = -1, colour = -1;
        if (ctx.length != CONTEXT_LENGTH) throw new IllegalArgumentException(field + ": context length must be " + CONTEXT_LENGTH + ", got " + ctx.length);
        if (ctx[0] != startId) throw new IllegalArgumentException(field + ": position 0 must be <start>");
        if (ctx[1] != nullId) {
            Integer it = itemByToken.get(ctx[1]);
            if (it == null) throw new IllegalArgumentException(field + ": unknown item token " + ctx[1]);
            item = it;
            if (ctx[2] != padId) {
                Integer co = colourByToken.get(ctx[2]);
                if (co == null) throw new IllegalArgumentException(field + ": unknown colour token " + ctx[2]);
                colour = co;
            }
        }
        for (int k = (item >= 0 ? 3 : 2); k < CONTEXT_LENGTH; k++)
            if (ctx[k] != padId) throw new IllegalArgumentException(field + ": position " + k + " must be <pad>");
        // components and log prior weights of the context
        int nItems = spec.items().size();
        int[] count = new int[nItems];
        for (int q = 0; q < means.length; q++) count[componentItem[q]]++;
        List<Integer> comps = new ArrayList<>();
        for (int q = 0; q < means.length; q++)
            if ((item < 0 || componentItem[q] == item) && (colour < 0 || componentColour[q] == colour)) comps.add(q);
        int n = comps.size();
        int[] cs = new int[n];
        double[] logits = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < n; q++) {
            int k = comps.get(q);
            cs[q] = k;
            double prior = item < 0 ? 1.0 / (nItems * count[componentItem[k]]) : 1.0 / n;
            double[] m = means[k];
            double dist = 0;
            for (int e = 0; e < d; e++) {
                double diff = x[e] - kappa * m[e];
                dist += diff * diff;
            }
            logits[q] = Math.log(prior) - dist / (2 * v);
            max = Math.max(max, logits[q]);
        }
        double z = 0;
        double[] resp = new double[n];
        for (int q = 0; q < n; q++) { resp[q] = Math.exp(logits[q] - max); z += resp[q]; }
        for (int q = 0; q < n; q++) resp[q] /= z;
        double[] slope = new double[CONTEXT_LENGTH];
        if (item >= 0) { slope[0] = -1; slope[1] = 1; }
        return new Posterior(cs, resp, kappa, nu, v, max + Math.log(z), item >= 0, slope);
    }

    /** Per token position: start = 1 - F, item = F (conditional); start = 1 under the null context. */
    private double[][] attentionMaps(Posterior p) {
        double[][] maps = new double[CONTEXT_LENGTH][a];
        if (!p.conditional) {
            Arrays.fill(maps[0], 1);
            return maps;
        }
        for (int q = 0; q < p.comps.length; q++) {
            double r = p.resp[q];
            double[] f = footprints[p.comps[q]];
            for (int j = 0; j < a; j++) maps[1][j] += r * f[j];
        }
        for (int j = 0; j < a; j++) maps[0][j] = 1 - maps[1][j];
        return maps;
    }

    private int checkBatch(FloatTensor x, long[] t, long[][] tokens) {
        int[] s = x.shape();
        int[] ls = card.latentShape();
        if (s.length != 4 || s[1] != ls[0] || s[2] != ls[1] || s[3] != ls[2])
            throw new IllegalArgumentException("x: expected shape [B," + ls[0] + "," + ls[1] + "," + ls[2] + "], got " + Arrays.toString(s));
        int b = s[0];
        if (t.length != b) throw new IllegalArgumentException("t: expected " + b + " timesteps, got " + t.length);
        if (tokens.length != b) throw new IllegalArgumentException("tokens: expected " + b + " contexts, got " + tokens.length);
        for (long ti : t)
            if (ti < 0 || ti >= schedule.trainSteps()) throw new IllegalArgumentException("t: timestep " + ti + " outside 0.." + (schedule.trainSteps() - 1));
        for (float f : x.data()) if (!Float.isFinite(f)) throw new IllegalArgumentException("x: contains a non-finite value");
        return b;
    }

    /** A Gaussian bump exp(-|p - centre|^2 / 2r^2) sampled at cell centres of an h x w grid. */
    private static double[] bump(double[] centre, int h, int w, double radius) {
        double[] out = new double[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double dx = (x + 0.5) / w - centre[0], dy = (y + 0.5) / h - centre[1];
                out[y * w + x] = Math.exp(-(dx * dx + dy * dy) / (2 * radius * radius));
            }
        return out;
    }
}
