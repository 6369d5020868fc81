package dnd.common.compose;

import dnd.common.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Averaging (spec 4.1): mu_c = (1/n) sum_i mu_i, each mu_i the player's DDIM mean from its CFG eps. */
final class AverageComposition extends BaseComposition {

    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    private float[] x;
    private double[] mu;

    AverageComposition(Sampling s, Options o) {
        super("average", s);
        o.finish();
        x = s.initialLatent();
    }

    @Override
    protected float[] input(int player, int k) { return x; }

    @Override
    protected List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs) {
        mu = new double[s.d];
        for (int i = 0; i < s.n; i++) {
            double[] mi = s.mean(i, k, x, s.guidedEps(i, k, x, outputs.get(i)));
            for (int e = 0; e < s.d; e++) mu[e] += mi[e] / s.n;
        }
        return List.of();
    }

    @Override
    protected StepReport onGuidance(int k, List<FloatTensor> gradients) {
        x = s.sample(k, mu);
        double[] per = new double[s.n];
        java.util.Arrays.fill(per, 1.0 / s.n);
        return plainReport(k, constantWeights(s.n, s.m, per));
    }

    @Override
    protected float[] finalLatent() { return x; }
}
