package dnd.common.compose;

import static org.junit.jupiter.api.Assertions.*;

import dnd.common.gmm.GaussianMixtureDenoiser;
import dnd.common.gmm.GmmSpec;
import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.noise.SeededNoise;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The oracles of spec 9.1 that involve whole sampling runs, on the analytic Gaussian mixture. */
class CompositionOracleTest {

    static final GaussianMixtureDenoiser GMM = new GaussianMixtureDenoiser(GmmSpec.withShape("toy", 8, 8, 4, 4));
    static final ModelCard CARD = GMM.card();

    static PlayerSpec player(String concept) { return PlayerSpec.of(CARD, Concept.parse(concept, CARD.colours())); }

    static LocalSampler.Run run(String method, Map<String, String> options, List<PlayerSpec> players, SamplerConfig cfg) {
        Composition c = Compositions.create(method, options, players, cfg);
        return LocalSampler.run(c, players, players.stream().map(p -> (Denoiser) GMM).toList());
    }

    /** eps_u + omega (eps_c - eps_u) of one player at x, from one batched forward of the mixture. */
    static float[] guidedEps(PlayerSpec p, float[] x, long t, double omega) {
        int d = x.length;
        float[] both = new float[2 * d];
        System.arraycopy(x, 0, both, 0, d);
        System.arraycopy(x, 0, both, d, d);
        float[] eps = GMM.forward(new FloatTensor(new int[]{2, 3, 8, 8}, both), new long[]{t, t},
                new long[][]{p.context(), CARD.nullContext()}).eps().data();
        float[] e = new float[d];
        for (int i = 0; i < d; i++) e[i] = (float) (eps[d + i] + omega * (eps[i] - eps[d + i]));
        return e;
    }

    /** Plain CFG + DDIM(eta) sampling of one player, written out independently of the strategies. */
    static float[] plain(PlayerSpec p, SamplerConfig cfg) {
        NoiseSchedule ns = NoiseSchedule.of(CARD.schedule());
        long[] grid = ns.grid(cfg.steps());
        SeededNoise noise = new SeededNoise(cfg.seed());
        int d = CARD.latentSize();
        float[] x = noise.initialLatent(d);
        double omega = cfg.guidanceScale() > 0 ? cfg.guidanceScale() : CARD.guidanceScale();
        for (int k = 0; k < grid.length; k++) {
            long t = grid[k], s = NoiseSchedule.previous(grid, k);
            float[] e = guidedEps(p, x, t, omega);
            double[] ab = ns.ddimCoefficients(t, s, cfg.eta());
            double sigma = k == grid.length - 1 ? 0 : ns.ddimSigma(t, s, cfg.eta());
            float[] z = noise.gaussian(k, d);
            float[] next = new float[d];
            for (int i = 0; i < d; i++) {
                double mu = ab[0] * x[i] + ab[1] * e[i];
                next[i] = (float) (sigma > 0 ? mu + sigma * z[i] : mu);
            }
            x = next;
        }
        return x;
    }

    /**
     * Plain sampling with x0-hat clipped to [-c, c], written in x0 form: x0 = clamp((x - sqrt(1-ab_t) e) / sqrt(ab_t)),
     * e' = (x - sqrt(ab_t) x0) / sqrt(1-ab_t), x_s = sqrt(ab_s) x0 + sqrt(1 - ab_s - sigma^2) e' + sigma z.
     */
    static float[] plainClipped(PlayerSpec p, SamplerConfig cfg) {
        NoiseSchedule ns = NoiseSchedule.of(CARD.schedule());
        long[] grid = ns.grid(cfg.steps());
        SeededNoise noise = new SeededNoise(cfg.seed());
        int d = CARD.latentSize();
        float[] x = noise.initialLatent(d);
        double c = cfg.x0Clip();
        for (int k = 0; k < grid.length; k++) {
            long t = grid[k], s = NoiseSchedule.previous(grid, k);
            float[] eps = guidedEps(p, x, t, cfg.guidanceScale());
            double at = ns.alphaBar(t), as = ns.alphaBar(s);
            double sigma = k == grid.length - 1 ? 0 : ns.ddimSigma(t, s, cfg.eta());
            double sigmaDdim = ns.ddimSigma(t, s, cfg.eta());
            float[] z = noise.gaussian(k, d);
            float[] next = new float[d];
            for (int i = 0; i < d; i++) {
                double x0 = Math.max(-c, Math.min(c, (x[i] - Math.sqrt(1 - at) * eps[i]) / Math.sqrt(at)));
                double e2 = (x[i] - Math.sqrt(at) * x0) / Math.sqrt(1 - at);
                double mu = Math.sqrt(as) * x0 + Math.sqrt(Math.max(0, 1 - as - sigmaDdim * sigmaDdim)) * e2;
                next[i] = (float) (sigma > 0 ? mu + sigma * z[i] : mu);
            }
            x = next;
        }
        return x;
    }

    @Test
    void x0ClippingFollowsTheX0FormOfDdimForEveryMethodWithOnePlayer() {
        PlayerSpec p = player("red left");
        SamplerConfig clipped = new SamplerConfig(8, 7, 2.5, 0.3, 0.3);
        float[] ref = plainClipped(p, clipped);
        assertTrue(maxDiff(ref, plain(p, cfg)) > 1e-2, "a clip of 0.3 should change the image");
        for (String method : List.of("average", "composable", "multidiffusion", "amdm", "dnd")) {
            Map<String, String> o = switch (method) {
                case "dnd" -> Map.of("gamma", "0");
                case "multidiffusion" -> Map.of("bootstrap", "0");
                case "amdm" -> Map.of("window-start", "100");   // the specified model alone
                default -> Map.of();
            };
            float[] x = run(method, o, List.of(p), clipped).latent().data();
            assertTrue(maxDiff(ref, x) <= 1e-5, method + ": " + maxDiff(ref, x));
        }
        // a clip wider than any x0-hat is no clip at all
        assertArrayEquals(plain(p, cfg), run("average", Map.of(), List.of(p), new SamplerConfig(8, 7, 2.5, 0.3, 1e6)).latent().data());
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private final SamplerConfig cfg = new SamplerConfig(8, 7, 2.5, 0.3);

    @Test
    void averageOfOnePlayerIsPlainSamplingBitForBit() {
        PlayerSpec p = player("red left");
        assertArrayEquals(plain(p, cfg), run("average", Map.of(), List.of(p), cfg).latent().data());
    }

    @Test
    void dndWithOnePlayerAndNoGuidanceIsPlainSampling() {
        PlayerSpec p = player("dot");
        float[] ref = plain(p, cfg);
        for (String utility : List.of("attention", "score")) {
            float[] x = run("dnd", Map.of("utility", utility, "gamma", "0"), List.of(p), cfg).latent().data();
            assertTrue(maxDiff(ref, x) <= 1e-6, utility + ": " + maxDiff(ref, x));
        }
    }

    @Test
    void dndSoloPhaseKeepsPlayersBlindThenBlendsTheirLatentsByTheAllocation() {
        PlayerSpec one = player("red left");
        // one player: solo or not, it is plain sampling
        float[] alone = run("dnd", Map.of("gamma", "0", "solo", "1"), List.of(one), cfg).latent().data();
        assertTrue(maxDiff(plain(one, cfg), alone) <= 1e-6, "one player solo: " + maxDiff(plain(one, cfg), alone));
        // solo for every step: each player follows its own plain trajectory, the image is their blend by the last Q
        List<PlayerSpec> ps = List.of(player("left"), player("blue right"), player("dot"));
        LocalSampler.Run all = run("dnd", Map.of("gamma", "0", "solo", "1"), ps, cfg);
        float[][] q = all.reports().get(all.reports().size() - 1).allocation();
        int d = CARD.latentSize(), m = CARD.height() * CARD.width();
        double[] expected = new double[d];
        for (int i = 0; i < ps.size(); i++) {
            float[] own = plain(ps.get(i), cfg);
            for (int j = 0; j < m; j++) {
                double w = q[i][j] + q[ps.size()][j] / ps.size();
                for (int c = 0; c < CARD.channels(); c++) expected[c * m + j] += w * own[c * m + j];
            }
        }
        float[] got = all.latent().data();
        for (int e = 0; e < d; e++) assertEquals(expected[e], got[e], 1e-5, "feature " + e);
        // a partial solo phase gives another image than none, and than all
        float[] none = run("dnd", Map.of("gamma", "0"), ps, cfg).latent().data();
        float[] half = run("dnd", Map.of("gamma", "0", "solo", "0.5"), ps, cfg).latent().data();
        assertTrue(maxDiff(none, half) > 1e-3 && maxDiff(got, half) > 1e-3);
        // guidance acts during the solo steps too (each player's own latent)
        float[] guided = run("dnd", Map.of("gamma", "1", "solo", "0.5"), ps, cfg).latent().data();
        assertTrue(maxDiff(half, guided) > 1e-3);
    }

    @Test
    void previewIsTheTweedieEstimateOfEachStep() {
        PlayerSpec p = player("red left");
        SamplerConfig ddim = new SamplerConfig(8, 7, 2.5, 0);
        NoiseSchedule ns = NoiseSchedule.of(CARD.schedule());
        long[] grid = ns.grid(ddim.steps());
        int d = CARD.latentSize();
        for (String method : List.of("average", "dnd")) {
            Composition c = Compositions.create(method, Map.of(), List.of(p), ddim);
            assertNull(c.preview(), "no preview before the first step");
            float[] x = new SeededNoise(ddim.seed()).initialLatent(d);
            for (int k = 0; k < grid.length; k++) {
                List<Composition.PlayerOutput> outs = List.of(LocalSampler.step(p, GMM, c.stepRequests().get(0)));
                c.acceptStep(outs);
                c.acceptGuidance(List.of());
                // x0-hat = (x_k - sqrt(1-ab) eps) / sqrt(ab) with the step's guided eps, written out here
                double ab = ns.alphaBar(grid[k]);
                float[] ec = outs.get(0).epsCond().data(), eu = outs.get(0).epsUncond().data();
                float[] got = c.preview().data();
                for (int e = 0; e < d; e++) {
                    double eps = eu[e] + 2.5 * (ec[e] - eu[e]);
                    assertEquals((x[e] - Math.sqrt(1 - ab) * eps) / Math.sqrt(ab), got[e], 2e-3, method + " step " + k + " feature " + e);
                }
                x = k + 1 < grid.length ? c.stepRequests().get(0).x().data() : c.result().data();
            }
        }
    }

    @Test
    void dndWithInfiniteBetaNoFairnessNoGuidanceIsAveraging() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"), player("blue dot"));
        float[] avg = run("average", Map.of(), ps, cfg).latent().data();
        LocalSampler.Run dnd = run("dnd", Map.of("beta", "inf", "fairness", "none"), ps, cfg);
        assertTrue(maxDiff(avg, dnd.latent().data()) <= 1e-5, "dnd vs average " + maxDiff(avg, dnd.latent().data()));
        for (StepReport r : dnd.reports()) for (float[] row : r.allocation()) for (float q : row) assertEquals(0.25, q, 1e-6);
        // while a finite beta moves Q away from uniform and changes the image
        float[] moved = run("dnd", Map.of("beta", "1", "fairness", "none"), ps, cfg).latent().data();
        assertTrue(maxDiff(avg, moved) > 1e-3);
        // and proportional shares of (1-delta)/n are infeasible for the uniform 1/(n+1): Q moves even at beta = inf
        LocalSampler.Run fair = run("dnd", Map.of("beta", "inf", "fairness", "proportional"), ps, cfg);
        StepReport first = fair.reports().get(0);
        assertTrue(first.fictitiousShare() < 0.25 - 0.01, "fictitious share " + first.fictitiousShare());
        for (StepReport.PlayerShare sh : first.players()) assertTrue(sh.slack() >= -1e-6, sh.toString());
    }

    @Test
    void dndWithQForcedToTheMasksIsMultiDiffusion() {
        Map<String, String> forced = Map.of("beta", "inf", "fairness", "none", "fictitious", "off", "init", "layout");
        List<PlayerSpec> strips = List.of(player("left"), player("right"), player("dot"));
        float[] md = run("multidiffusion", Map.of("bootstrap", "0"), strips, cfg).latent().data();
        assertTrue(maxDiff(md, run("dnd", forced, strips, cfg).latent().data()) <= 1e-6);
        List<PlayerSpec> regions = List.of(
                new PlayerSpec(CARD, new Concept("left", Optional.empty()), 0, false, Optional.of(new PlayerSpec.Region(0, 0, 0.6, 1))),
                new PlayerSpec(CARD, new Concept("right", Optional.empty()), 0, false, Optional.of(new PlayerSpec.Region(0.4, 0.2, 1, 0.9))));
        float[] md2 = run("multidiffusion", Map.of("bootstrap", "0"), regions, cfg).latent().data();
        assertTrue(maxDiff(md2, run("dnd", forced, regions, cfg).latent().data()) <= 1e-6);
        assertTrue(maxDiff(md, md2) > 1e-3, "layouts should matter");
    }

    @Test
    void composableAndWithOneConceptIsClassifierFreeGuidance() {
        PlayerSpec p = player("green right");
        float[] ref = plain(p, cfg);
        assertTrue(maxDiff(ref, run("composable", Map.of(), List.of(p), cfg).latent().data()) <= 1e-6);
        PlayerSpec weighted = new PlayerSpec(CARD, p.concept(), 2.5, false, Optional.empty());
        assertTrue(maxDiff(ref, run("composable", Map.of("weights", "each"), List.of(weighted), cfg).latent().data()) <= 1e-6);
        // a weight other than omega is not CFG at omega
        PlayerSpec other = new PlayerSpec(CARD, p.concept(), 1.0, false, Optional.empty());
        assertTrue(maxDiff(ref, run("composable", Map.of(), List.of(other), cfg).latent().data()) > 1e-3);
    }

    @Test
    void amdmOutsideItsWindowRunsTheSpecifiedModelAlone() {
        List<PlayerSpec> ps = List.of(player("left"), player("red right"));
        float[] x = run("amdm", Map.of("window-start", "100", "specified", "1"), ps, cfg).latent().data();
        assertArrayEquals(plain(ps.get(1), cfg), x);
        float[] mixed = run("amdm", Map.of("specified", "1", "window-end", "4"), ps, cfg).latent().data();
        assertTrue(maxDiff(x, mixed) > 1e-3, "aggregation should change the result");
    }

    @Test
    void sameSeedSameBitsOtherSeedOtherImage() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        Map<String, String> o = Map.of("gamma", "0.5", "fairness", "envy-free,proportional");
        SamplerConfig other = new SamplerConfig(8, 8, 2.5, 0.3);
        for (String method : Compositions.methods()) {
            Map<String, String> opts = method.startsWith("dnd") ? (method.equals("dnd") ? o : Map.of("gamma", "0.5")) : Map.of();
            float[] a = run(method, opts, ps, cfg).latent().data();
            float[] b = run(method, opts, ps, cfg).latent().data();
            assertArrayEquals(a, b, method);
            assertTrue(maxDiff(a, run(method, opts, ps, other).latent().data()) > 1e-2, method);
        }
    }
}
