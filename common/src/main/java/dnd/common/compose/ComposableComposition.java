package dnd.common.compose;

import dnd.common.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composable Diffusion (spec 4.1), heterogeneous form: each model keeps its own unconditional
 * branch, so with s_i = -1 for a negated player (NOT) and +1 otherwise
 * <pre>
 *   eps_hat = (1/n) sum_i eps_i^u + sum_i s_i w_i (eps_i^c - eps_i^u)
 * </pre>
 * formed on the means (mu = A x + B eps per player), which is the same thing when the players
 * share a schedule. w_i is the player's weight when set; otherwise omega / (number of positive
 * players) ("weights=normalised", the SD pipeline's convention: total guidance stays omega) or
 * omega each ("weights=each", the GLIDE script's). One concept with w = omega is plain CFG.
 */
final class ComposableComposition extends BaseComposition {

    static final Map<String, String> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put("weights", "normalised|each: default weight of a player without one: omega / #positive players, or omega (default normalised)");
    }

    private final double[] signedWeight;
    private float[] x;
    private double[] mu;

    ComposableComposition(Sampling s, Options o) {
        super("composable", s);
        String mode = o.string("weights", "normalised", "normalised", "each");
        o.finish();
        long positive = s.players.stream().filter(p -> !p.negate()).count();
        if (positive == 0) throw new IllegalArgumentException("method composable: at least one player must not be negated (a bare NOT is ill-posed)");
        signedWeight = new double[s.n];
        for (int i = 0; i < s.n; i++) {
            PlayerSpec p = s.players.get(i);
            if (p.weight() < 0 || Double.isNaN(p.weight()) || Double.isInfinite(p.weight()))
                throw new IllegalArgumentException("player " + i + " (" + p.label() + "): weight must be finite and >= 0 (use negate for NOT), got " + p.weight());
            double w = p.weight() > 0 ? p.weight() : mode.equals("each") ? s.omega[i] : s.omega[i] / positive;
            signedWeight[i] = p.negate() ? -w : w;
        }
        x = s.initialLatent();
    }

    @Override
    protected float[] input(int player, int k) { return x; }

    @Override
    protected List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs) {
        if (s.cfg.x0Clip() > 0) {
            mu = s.mean(0, k, x, s.clipped(0, k, x, composedEps(outputs)));
            return List.of();
        }
        mu = new double[s.d];
        for (int i = 0; i < s.n; i++) {
            double[] ab = s.coefficients(i, k);
            float[] ec = outputs.get(i).epsCond().data(), eu = outputs.get(i).epsUncond().data();
            double wi = signedWeight[i];
            for (int e = 0; e < s.d; e++)
                mu[e] += (ab[0] * x[e] + ab[1] * eu[e]) / s.n + ab[1] * wi * (ec[e] - eu[e]);
        }
        return List.of();
    }

    /**
     * The composed eps, mean eps_u + sum_i w_i (eps_c,i - eps_u,i). Clipping x0-hat needs one eps,
     * so with clipping on the mean is formed with player 0's schedule (composed players share one
     * in practice; without clipping each player's own coefficients are used, as above).
     */
    private float[] composedEps(List<PlayerOutput> outputs) {
        double[] e = new double[s.d];
        for (int i = 0; i < s.n; i++) {
            float[] ec = outputs.get(i).epsCond().data(), eu = outputs.get(i).epsUncond().data();
            double wi = signedWeight[i];
            for (int j = 0; j < s.d; j++) e[j] += eu[j] / s.n + wi * (ec[j] - eu[j]);
        }
        float[] out = new float[s.d];
        for (int j = 0; j < s.d; j++) out[j] = (float) e[j];
        return out;
    }

    @Override
    protected StepReport onGuidance(int k, List<FloatTensor> gradients) {
        x = s.sample(k, mu);
        double total = 0;
        for (double w : signedWeight) total += Math.abs(w);
        double[] per = new double[s.n];
        for (int i = 0; i < s.n; i++) per[i] = Math.abs(signedWeight[i]) / total;
        return plainReport(k, constantWeights(s.n, s.m, per));
    }

    @Override
    protected float[] finalLatent() { return x; }
}
