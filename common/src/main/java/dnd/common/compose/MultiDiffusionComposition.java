package dnd.common.compose;

import dnd.common.noise.SeededNoise;
import dnd.common.tensor.FloatTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MultiDiffusion in region mode (spec 3.1): mu_c = sum_i W_i * mu_i with W_i = M_i / sum_k M_k
 * (features no region covers are shared equally), the means fused before one shared noise draw
 * (spec 3.3). Layout: the players' regions, or equal vertical strips when none has one.
 *
 * <p>Bootstrapping: during the first {@code bootstrap} fraction of the steps, player i sees
 * M_i * x + (1 - M_i) * (kappa_t c + nu_t xi): outside its mask a constant canvas c noised to
 * level t with the job's initial noise xi. c is a seeded random colour per channel in [-1,1]
 * ("background=random", the reference code's choice) or -1 ("background=black", right for
 * pixel-space models trained on black canvases).
 */
final class MultiDiffusionComposition extends BaseComposition {

    static final Map<String, String> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put("bootstrap", "fraction of the steps with bootstrapping, in [0,1] (default 0.4, the reference 20 of 50)");
        OPTIONS.put("background", "random|black: the bootstrapping canvas colour (default random)");
    }

    private final float[][] masks;
    private final double[][] weights;
    private final int bootstrapSteps;
    private final float[] xi;
    private final float[] canvas;   // per channel
    private float[] x;
    private double[] mu;

    MultiDiffusionComposition(Sampling s, Options o) {
        super("multidiffusion", s);
        double fraction = o.number("bootstrap", 0.4, 0, 1);
        String background = o.string("background", "random", "random", "black");
        o.finish();
        masks = Layout.masks(s.players, s.h, s.w, method);
        weights = Layout.weights(masks);
        bootstrapSteps = (int) Math.round(fraction * s.steps());
        xi = s.initialLatent();
        canvas = new float[s.c];
        for (int ch = 0; ch < s.c; ch++)
            canvas[ch] = background.equals("black") ? -1f : (float) (2 * s.noise.uniform(SeededNoise.AUXILIARY, ch) - 1);
        x = xi.clone();
    }

    @Override
    protected float[] input(int player, int k) {
        if (k >= bootstrapSteps) return x;
        double ab = s.schedules[player].alphaBar(s.t(k));
        double kappa = Math.sqrt(ab), nu = Math.sqrt(1 - ab);
        float[] in = new float[s.d];
        float[] mask = masks[player];
        for (int ch = 0; ch < s.c; ch++)
            for (int j = 0; j < s.m; j++) {
                int e = ch * s.m + j;
                in[e] = mask[j] == 1 ? x[e] : (float) (kappa * canvas[ch] + nu * xi[e]);
            }
        return in;
    }

    @Override
    protected List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs) {
        mu = new double[s.d];
        for (int i = 0; i < s.n; i++) {
            double[] mi = s.mean(i, k, input(i, k), s.guidedEps(i, k, input(i, k), outputs.get(i)));
            double[] wi = weights[i];
            for (int ch = 0; ch < s.c; ch++)
                for (int j = 0; j < s.m; j++) mu[ch * s.m + j] += wi[j] * mi[ch * s.m + j];
        }
        return List.of();
    }

    @Override
    protected StepReport onGuidance(int k, List<FloatTensor> gradients) {
        x = s.sample(k, mu);
        return plainReport(k, weights);
    }

    @Override
    protected float[] finalLatent() { return x; }
}
