package dnd.common.compose;

import dnd.common.game.FairDivisionSolver;
import dnd.common.game.Fairness;
import dnd.common.game.GameResult;
import dnd.common.game.GameSpec;
import dnd.common.tensor.FloatTensor;
import dnd.common.utility.AttentionUtility;
import dnd.common.utility.ScoreUtility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Divide-and-Denoise (spec 2.6). Each step: the players' CFG means mu_i and utilities u_i
 * (attention or score, spec 2.3), the fair-division game (spec 2.4, warm-started from the
 * previous lambda, the previous Q as KL anchor) gives Q, and
 * <pre>
 *   mu_c = sum_i (Q_i + Q_fict / n) * mu_i  +  gamma * sigma * g / |g|,   g = sum_i grad_x G_i
 *   x_s  = mu_c + sigma_t z(seed, k)
 * </pre>
 * with G_i = sum_j Q_ij u_ij(x) (Q fixed), its gradient being the node's VJP of
 * sum(weights * normalised attention) for the cotangent weights of {@link AttentionUtility#cotangent}.
 * Option repel=r (an addition to the spec) uses G_i = sum_j (Q_ij - r sum_{k != i} Q_kj) u_ij: the
 * guidance then moves a player's attention out of the other players' regions before the
 * background, which keeps neighbouring objects from touching and merging (docs/results.md).
 *
 * <p>beta is given as beta' = beta * m (option "beta"), because normalised utilities are about
 * 1/m: beta' keeps one meaning at any resolution; "inf" freezes Q except where fairness moves it.
 *
 * <p>guidance-from=current (default): the guidance uses this step's Q (a second round trip).
 * guidance-from=previous: the step-k guidance differentiates, at the current x_k, the utility
 * linearised with the PREVIOUS step's allocation Q_{k-1} and its normalisation (the cotangent
 * computed at the end of step k-1), so the requests are known before step k's outputs: see
 * {@link Composition#prefetchGuidance()}; step 0 has no guidance.
 *
 * <p>init=layout starts Q from the players' layout (regions or strips, the fictitious player, when
 * present, taking 1/(n+1) everywhere); with beta=inf, no fairness and no fictitious player, Q stays
 * the masks and the method is MultiDiffusion without bootstrapping.
 *
 * <p>solo=f (default 0: off): for the first round(f K) steps every player denoises its OWN latent
 * (all start from the job's initial latent and share each step's z), blind to the others, as
 * MultiDiffusion's bootstrapping keeps players blind; the game runs on each player's attention to
 * its own latent, and the guidance pulls each player's object into its allocated region on its own
 * latent (normalised per player). After the last solo step the shared latent is the allocation
 * blend x = sum_i (Q_i + Q_fict / n) x_i, and the method goes on as above. Why: on small models
 * the maps are least discriminative at high noise, where the layout is decided; blind players each
 * commit to a place for their own object, and the allocation and guidance keep the places apart.
 */
final class DndComposition extends BaseComposition {

    static final Map<String, String> OPTIONS = new LinkedHashMap<>();
    static {
        OPTIONS.put("fairness", "proportional|envy-free|equitable|none, comma-stackable (default proportional)");
        OPTIONS.put("utility", "attention|score (default attention)");
        OPTIONS.put("beta", "KL weight as beta' = beta * m, > 0 or inf (default 4)");
        OPTIONS.put("gamma", "guidance step length in units of sigma, >= 0 (default 0: no guidance)");
        OPTIONS.put("guidance", "on|off (default on; only acts when gamma > 0)");
        OPTIONS.put("guidance-from", "current|previous allocation (default current)");
        OPTIONS.put("guidance-sigma", "ddpm|eta: the sigma of the guidance step, the DDPM posterior one or DDIM's (default ddpm)");
        OPTIONS.put("fictitious", "on|off: the fictitious player (exempt, utility 1/m, mean kernel) (default on)");
        OPTIONS.put("delta", "share relaxation in [0,1): targets (1-delta)/n of a player's total utility (default 0.05)");
        OPTIONS.put("share", "proportional target as a fraction of a player's own total utility, in (0,1]; replaces (1-delta)/n (default: not set)");
        OPTIONS.put("equitable-tolerance", "epsilon of the equitable rows, on the scale of V (default 0.02)");
        OPTIONS.put("lambda-cap", "cap on the multipliers as the largest tilt exp(cap) (default 50)");
        OPTIONS.put("sharpen", "power applied to the attention utility, > 0 (default 1)");
        OPTIONS.put("blur", "on|off: 3x3 blur of the attention utility, or sigma-1 blur of the score utility (default off for attention, on for score)");
        OPTIONS.put("clip", "percentile at which the score utility is clipped, (0,100] (default 99)");
        OPTIONS.put("init", "uniform|layout: the initial allocation (default layout when the players have regions, else uniform)");
        OPTIONS.put("repel", "weight, >= 0, of the other players' allocation in a player's guidance objective: G_i = sum_j (Q_ij - repel * sum_k!=i Q_kj) u_ij (default 0)");
        OPTIONS.put("solo", "fraction of the steps, in [0,1], in which each player denoises its own latent, blind to the others (default 0)");
    }

    private final boolean fictitious, guidanceOn, fromPrevious, ddpmSigma;
    private final double betaPrime, gamma, repel;
    private final String utilityKind;
    private final AttentionUtility[] attention;
    private final ScoreUtility score;
    private final FairDivisionSolver solver;
    private final int rows;
    private final int soloSteps;
    private float[] x;
    private float[][] xs;               // the players' own latents during the solo steps, then null
    private double[] logQ;
    private double[] lambda;
    private double[] mu;
    private double[][] soloMeans;       // the players' own means of the current solo step
    private GameResult game;
    private double[] q;                 // this step's Q = exp(log Q), [rows][m] row-major: computed once, used by blend, guidance and report
    private float[][] nextWeights;      // previous mode: cotangents computed at the end of the last step

    DndComposition(String name, Sampling s, Options o, boolean forceNoFairness) {
        super(name, s);
        if (forceNoFairness && o.has("fairness"))
            throw new IllegalArgumentException("method " + name + ": fairness is fixed to none; use method dnd to choose it");
        Set<Fairness> notions = forceNoFairness ? Set.of() : o.parsed("fairness", "proportional", Fairness::parseSet);
        utilityKind = o.string("utility", "attention", "attention", "score");
        betaPrime = o.number("beta", 4, 1e-9, Double.POSITIVE_INFINITY);
        gamma = o.number("gamma", 0, 0, 1e6);
        guidanceOn = o.flag("guidance", true) && gamma > 0;
        fromPrevious = o.string("guidance-from", "current", "current", "previous").equals("previous");
        ddpmSigma = o.string("guidance-sigma", "ddpm", "ddpm", "eta").equals("ddpm");
        fictitious = o.flag("fictitious", true);
        double delta = o.number("delta", 0.05, 0, 0.999);
        if (o.has("share")) {
            if (o.has("delta")) throw new IllegalArgumentException("method " + name + ": give share or delta, not both");
            if (notions.contains(Fairness.ENVY_FREE)) throw new IllegalArgumentException("method " + name + ": share applies to proportional fairness only");
            delta = 1 - o.number("share", 0.5, 1e-6, 1) * s.n;   // target (1 - delta)/n * total = share * total
        }
        double eqTol = o.number("equitable-tolerance", 0.02, 0, 1);
        double cap = o.number("lambda-cap", 50, 1e-3, 700);
        double sharpen = o.number("sharpen", 1, 1e-3, 100);
        boolean blur = o.flag("blur", utilityKind.equals("score"));
        double clip = o.number("clip", 99, 1e-9, 100);
        boolean regions = s.players.stream().anyMatch(pl -> pl.region().isPresent());
        String init = o.string("init", regions ? "layout" : "uniform", "uniform", "layout");
        double solo = o.number("solo", 0, 0, 1);
        repel = o.number("repel", 0, 0, 100);
        o.finish();
        soloSteps = (int) Math.round(solo * s.steps());
        if (guidanceOn && utilityKind.equals("score"))
            throw new IllegalArgumentException("method " + name + ": guidance (gamma > 0) needs utility=attention; the node contract has no VJP of eps. Set gamma=0 or guidance=off");
        for (int i = 0; i < s.n; i++) {
            List<String> caps = s.players.get(i).card().capabilities();
            if (caps.isEmpty()) continue;
            if (utilityKind.equals("attention") && !caps.contains("attention"))
                throw new IllegalArgumentException("method " + name + ": player " + i + " (" + s.players.get(i).label() + ") returns no attention maps; use utility=score");
            if (guidanceOn && !caps.contains("utility_grad"))
                throw new IllegalArgumentException("method " + name + ": player " + i + " (" + s.players.get(i).label() + ") has no utility_grad; set gamma=0");
        }
        if (utilityKind.equals("attention")) {
            attention = new AttentionUtility[s.n];
            for (int i = 0; i < s.n; i++) {
                int[] as = s.players.get(i).card().attentionShape();
                attention[i] = new AttentionUtility(as[0], as[1], s.h, s.w, blur, sharpen);
            }
            score = null;
        } else {
            attention = null;
            score = new ScoreUtility(s.c, s.h, s.w, blur, clip);
        }
        GameSpec spec = new GameSpec(s.n, s.m, fictitious, notions, delta, eqTol, cap);
        solver = new FairDivisionSolver(spec);
        rows = spec.rows();
        logQ = initialLogQ(init);
        lambda = null;
        x = s.initialLatent();
        if (soloSteps > 0) {
            xs = new float[s.n][];
            for (int i = 0; i < s.n; i++) xs[i] = x.clone();
        }
    }

    private boolean solo(int k) { return k < soloSteps; }

    private double[] initialLogQ(String init) {
        double[] lq = new double[rows * s.m];
        if (init.equals("uniform")) {
            Arrays.fill(lq, -Math.log(rows));
            return lq;
        }
        double[][] w = Layout.weights(Layout.masks(s.players, s.h, s.w, method));
        double realMass = fictitious ? (double) s.n / rows : 1;
        for (int i = 0; i < s.n; i++)
            for (int j = 0; j < s.m; j++) lq[i * s.m + j] = Math.log(w[i][j] * realMass);
        if (fictitious) Arrays.fill(lq, s.n * s.m, rows * s.m, -Math.log(rows));
        return lq;
    }

    @Override
    protected float[] input(int player, int k) { return solo(k) ? xs[player] : x; }

    @Override
    protected boolean needsAttention() { return utilityKind.equals("attention"); }

    @Override
    public List<GuidanceRequest> prefetchGuidance() {
        if (!fromPrevious || !guidanceOn || done()) return List.of();
        return previousRequests(stepIndex());
    }

    private List<GuidanceRequest> previousRequests(int k) {
        if (nextWeights == null) return List.of();
        List<GuidanceRequest> out = new ArrayList<>(s.n);
        for (int i = 0; i < s.n; i++) out.add(new GuidanceRequest(i, s.latent(input(i, k)), s.t(k), attentionTensor(i, nextWeights[i])));
        return out;
    }

    /** One player's share of a step's work: its CFG mean and its utility (with what the cotangent needs). */
    private record PlayerWork(double[] mean, double[] utility, AttentionUtility.Evaluation evaluation) {}

    @Override
    protected Object preparePlayer(PlayerRequest r, PlayerOutput out) {
        int i = r.player(), k = r.step();
        float[] xi = r.x().data();
        double[] mean = s.mean(i, k, xi, s.guidedEps(i, k, xi, out));
        if (attention == null) return new PlayerWork(mean, score.evaluate(out.epsCond().data(), out.epsUncond().data()), null);
        AttentionUtility.Evaluation e = attention[i].evaluate(out.attention().data());
        return new PlayerWork(mean, e.utility(), e);
    }

    @Override
    protected List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs) {
        throw new IllegalStateException("dnd prepares every output: onPreparedStep runs instead");
    }

    @Override
    protected List<GuidanceRequest> onPreparedStep(int k, List<PreparedOutput> outputs) {
        int m = s.m, n = s.n;
        double[][] means = new double[n][];
        double[] u = new double[n * m];
        AttentionUtility.Evaluation[] evals = new AttentionUtility.Evaluation[n];
        for (int i = 0; i < n; i++) {
            PlayerWork work = (PlayerWork) outputs.get(i).work;
            means[i] = work.mean();
            evals[i] = work.evaluation();
            System.arraycopy(work.utility(), 0, u, i * m, m);
        }
        double beta = Double.isInfinite(betaPrime) ? Double.POSITIVE_INFINITY : betaPrime / m;
        game = solver.solve(u, logQ, beta, lambda);
        logQ = game.logQ();
        lambda = game.lambda();
        q = new double[rows * m];
        for (int x = 0; x < q.length; x++) q[x] = Math.exp(logQ[x]);
        if (solo(k)) {
            soloMeans = means;   // each player keeps its own mean; onSoloGuidance finishes the step
        } else {
            mu = new double[s.d];
            for (int i = 0; i < n; i++) {
                double[] mi = means[i];
                for (int j = 0; j < m; j++) {
                    double wq = q[i * m + j] + (fictitious ? q[n * m + j] / n : 0);
                    for (int ch = 0; ch < s.c; ch++) mu[ch * m + j] += wq * mi[ch * m + j];
                }
            }
        }
        if (!guidanceOn) return List.of();
        List<GuidanceRequest> requests;
        if (fromPrevious) {
            requests = previousRequests(k);
            nextWeights = cotangents(evals, q);
        } else {
            float[][] weights = cotangents(evals, q);
            requests = new ArrayList<>(n);
            for (int i = 0; i < n; i++) requests.add(new GuidanceRequest(i, s.latent(input(i, k)), s.t(k), attentionTensor(i, weights[i])));
        }
        return requests;
    }

    private float[][] cotangents(AttentionUtility.Evaluation[] evals, double[] q) {
        float[][] out = new float[s.n][];
        for (int i = 0; i < s.n; i++) out[i] = attention[i].cotangent(evals[i], guidanceWeights(q, i));
        return out;
    }

    /**
     * Player i's weights in its guidance objective G_i = sum_j w_j u_ij: its allocation row, less
     * repel times the other players' rows. With repel 0 the guidance pulls i's attention into its
     * region and out of everything else alike; with repel > 0 out of the other players' regions
     * first, so that neighbouring objects keep apart instead of merging at the border.
     */
    private double[] guidanceWeights(double[] q, int i) {
        int m = s.m;
        double[] w = Arrays.copyOfRange(q, i * m, (i + 1) * m);
        if (repel == 0) return w;
        for (int k = 0; k < s.n; k++) {
            if (k == i) continue;
            for (int j = 0; j < m; j++) w[j] -= repel * q[k * m + j];
        }
        return w;
    }

    private FloatTensor attentionTensor(int i, float[] weights) {
        int[] as = s.players.get(i).card().attentionShape();
        return new FloatTensor(new int[]{as[0], as[1]}, weights.clone());
    }

    @Override
    protected StepReport onGuidance(int k, List<FloatTensor> gradients) {
        if (solo(k)) return onSoloGuidance(k, gradients);
        double applied = 0;
        if (!gradients.isEmpty()) {
            double[] g = new double[s.d];
            for (FloatTensor t : gradients) {
                float[] gd = t.data();
                for (int e = 0; e < s.d; e++) g[e] += gd[e];
            }
            double norm = 0;
            for (double v : g) norm += v * v;
            norm = Math.sqrt(norm);
            double sigma = ddpmSigma ? s.ddpmSigma(k) : s.sigma(k);
            if (norm > 0 && sigma > 0) {   // zero-norm guidance is skipped (spec 2.10)
                double scale = gamma * sigma / norm;
                for (int e = 0; e < s.d; e++) mu[e] += scale * g[e];
                applied = gamma * sigma;
            }
        }
        x = s.sample(k, mu);
        return report(k, applied);
    }

    /** A solo step: each player's guidance acts on its own latent; the last solo step blends the latents by Q. */
    private StepReport onSoloGuidance(int k, List<FloatTensor> gradients) {
        double sigma = ddpmSigma ? s.ddpmSigma(k) : s.sigma(k);
        double applied = 0;
        for (int i = 0; i < s.n; i++) {
            double[] mi = soloMeans[i];
            if (!gradients.isEmpty()) {
                float[] g = gradients.get(i).data();
                double norm = 0;
                for (float v : g) norm += (double) v * v;
                norm = Math.sqrt(norm);
                if (norm > 0 && sigma > 0) {   // zero-norm guidance is skipped (spec 2.10)
                    double scale = gamma * sigma / norm;
                    for (int e = 0; e < s.d; e++) mi[e] += scale * g[e];
                    applied = Math.max(applied, gamma * sigma);
                }
            }
            xs[i] = s.sample(k, mi);
        }
        soloMeans = null;
        x = blend(xs);   // after the last solo step: the shared latent; before it: the composite so far
        if (k == soloSteps - 1) xs = null;
        return report(k, applied);
    }

    /** sum_i (Q_i + Q_fict / n) x_i per feature, with this step's allocation. */
    private float[] blend(float[][] latents) {
        int m = s.m, n = s.n;
        double[] out = new double[s.d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) {
                double wq = q[i * m + j] + (fictitious ? q[n * m + j] / n : 0);
                for (int ch = 0; ch < s.c; ch++) out[ch * m + j] += wq * latents[i][ch * m + j];
            }
        float[] f = new float[s.d];
        for (int e = 0; e < s.d; e++) f[e] = (float) out[e];
        return f;
    }

    private StepReport report(int k, double guidanceNorm) {
        int m = s.m;
        float[][] alloc = new float[rows][m];   // this step's Q, already exponentiated
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++) alloc[i][j] = (float) q[i * m + j];
        List<StepReport.PlayerShare> shares = new ArrayList<>(s.n);
        for (int i = 0; i < s.n; i++) {
            double sum = 0;
            for (int j = 0; j < m; j++) sum += alloc[i][j];
            shares.add(new StepReport.PlayerShare(s.players.get(i).label(), sum / m, game.value()[i], game.target()[i], game.slack()[i]));
        }
        double fict = 0;
        if (fictitious) for (int j = 0; j < m; j++) fict += alloc[s.n][j];
        return new StepReport(k, s.steps(), s.t(k), alloc, shares, fict / m, game.lambda().clone(), game.iterations(),
                game.kktResidual(), game.relaxation(), game.lambdaCapHit(), guidanceNorm);
    }

    @Override
    protected float[] finalLatent() { return x; }
}
