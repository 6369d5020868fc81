package dnd.common.compose;

import static dnd.common.compose.CompositionOracleTest.CARD;
import static dnd.common.compose.CompositionOracleTest.GMM;
import static dnd.common.compose.CompositionOracleTest.player;
import static dnd.common.compose.CompositionOracleTest.run;
import static org.junit.jupiter.api.Assertions.*;

import dnd.common.model.Concept;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompositionBehaviourTest {

    private final SamplerConfig cfg = new SamplerConfig(10, 3, 2.0, 0.2);

    @Test
    void dndGivesTheLeftPlayerTheLeftOfTheCanvasAndReportsFairly() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        LocalSampler.Run r = run("dnd", Map.of("beta", "2", "fairness", "proportional"), ps, cfg);
        StepReport last = r.reports().get(r.reports().size() - 1);
        float[][] q = last.allocation();
        assertEquals(3, q.length);
        double leftOfLeft = 0, leftTotal = 0;
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) {
                leftTotal += q[0][y * 8 + x];
                if (x < 4) leftOfLeft += q[0][y * 8 + x];
            }
        assertTrue(leftOfLeft / leftTotal > 0.7, "left player's mass in the left half: " + leftOfLeft / leftTotal);
        for (StepReport rep : r.reports()) {
            assertTrue(rep.kktResidual() <= 1e-8, "kkt " + rep.kktResidual());
            assertFalse(rep.lambdaCapHit());
            assertEquals(0.05, rep.relaxation());
            for (StepReport.PlayerShare sh : rep.players()) {
                assertTrue(sh.slack() >= -1e-6, sh.toString());
                assertEquals(sh.value() - sh.target(), sh.slack(), 1e-12);
                assertEquals(0.95 / 2, sh.target(), 1e-9);
            }
            for (int j = 0; j < 64; j++) assertEquals(1, rep.allocation()[0][j] + rep.allocation()[1][j] + rep.allocation()[2][j], 1e-5);
            double shares = rep.fictitiousShare();
            for (StepReport.PlayerShare sh : rep.players()) shares += sh.share();
            assertEquals(1, shares, 1e-5);
        }
    }

    @Test
    void shareSetsEachPlayersProportionalTargetAsAFractionOfItsOwnUtility() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        LocalSampler.Run r = run("dnd", Map.of("beta", "2", "share", "0.8"), ps, cfg);
        boolean bound = false;
        for (StepReport rep : r.reports()) {
            assertEquals(1 - 0.8 * 2, rep.relaxation(), 1e-12);
            for (StepReport.PlayerShare sh : rep.players()) {
                assertEquals(0.8, sh.target(), 1e-9, "normalised utility: the target is the share itself");
                assertTrue(sh.slack() >= -1e-6 || rep.lambdaCapHit(), sh.toString());
            }
            bound |= java.util.Arrays.stream(rep.lambda()).anyMatch(l -> l > 0);
        }
        assertTrue(bound, "a target of 0.8 binds where 0.475 did not");
        assertThrows(IllegalArgumentException.class, () -> run("dnd", Map.of("share", "0.8", "delta", "0.1"), ps, cfg));
        assertThrows(IllegalArgumentException.class, () -> run("dnd", Map.of("share", "0.8", "fairness", "envy-free"), ps, cfg));
        assertThrows(IllegalArgumentException.class, () -> run("dnd", Map.of("share", "1.5"), ps, cfg));
    }

    @Test
    void guidanceHasTheConfiguredLengthAndChangesTheImage() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        LocalSampler.Run guided = run("dnd", Map.of("gamma", "0.7"), ps, cfg);
        NoiseSchedule ns = NoiseSchedule.of(CARD.schedule());
        long[] grid = ns.grid(cfg.steps());
        int applied = 0;
        for (StepReport rep : guided.reports()) {
            // zero-norm guidance (one-hot responsibilities at low noise) is skipped, otherwise its length is gamma * sigma
            if (rep.guidanceNorm() == 0) continue;
            applied++;
            assertEquals(0.7 * ns.ddpmSigma(grid[rep.step()], NoiseSchedule.previous(grid, rep.step())), rep.guidanceNorm(), 1e-9);
        }
        assertTrue(applied >= cfg.steps() / 2, "guidance applied in " + applied + " steps");
        LocalSampler.Run plain = run("dnd", Map.of("gamma", "0"), ps, cfg);
        for (StepReport rep : plain.reports()) assertEquals(0, rep.guidanceNorm());
        assertTrue(CompositionOracleTest.maxDiff(guided.latent().data(), plain.latent().data()) > 1e-3);
        LocalSampler.Run off = run("dnd", Map.of("gamma", "0.7", "guidance", "off"), ps, cfg);
        assertArrayEquals(plain.latent().data(), off.latent().data());
    }

    @Test
    void repelPushesEachPlayersGuidanceOutOfTheOtherPlayersRegion() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        Composition plain = Compositions.create("dnd", Map.of("gamma", "1"), ps, cfg);
        Composition repelled = Compositions.create("dnd", Map.of("gamma", "1", "repel", "2"), ps, cfg);
        // the first step is identical up to the guidance weights (same latent, same allocation)
        List<Composition.PlayerOutput> outs = new ArrayList<>();
        for (Composition.PlayerRequest r : plain.stepRequests()) outs.add(LocalSampler.step(ps.get(r.player()), GMM, r));
        repelled.stepRequests();
        List<Composition.GuidanceRequest> gPlain = plain.acceptStep(outs), gRepelled = repelled.acceptStep(outs);
        List<FloatTensor> grads = new ArrayList<>();
        for (Composition.GuidanceRequest r : gPlain) grads.add(LocalSampler.guide(ps.get(r.player()), GMM, r));
        StepReport report = plain.acceptGuidance(grads);
        float[] otherQ = report.allocation()[1];
        float[] w0 = gPlain.get(0).weights().data(), w1 = gRepelled.get(0).weights().data();
        int ah = gPlain.get(0).weights().dim(0), aw = gPlain.get(0).weights().dim(1);
        int side = (int) Math.round(Math.sqrt(otherQ.length)), f = side / ah;
        assertEquals(side, f * ah);
        // player 0's weights drop where player 1 owns the canvas: the change is anti-correlated with Q_1
        double[] change = new double[ah * aw], q1 = new double[ah * aw];
        for (int y = 0; y < ah; y++)
            for (int x = 0; x < aw; x++) {
                change[y * aw + x] = w1[y * aw + x] - w0[y * aw + x];
                for (int dy = 0; dy < f; dy++)
                    for (int dx = 0; dx < f; dx++) q1[y * aw + x] += otherQ[(y * f + dy) * side + x * f + dx];
            }
        double corr = correlation(change, q1);
        assertTrue(corr < -0.9, "correlation of player 0's weight change with player 1's allocation: " + corr);
        // repel 0 is the plain method, bit for bit; repel > 0 changes the image
        LocalSampler.Run a = run("dnd", Map.of("gamma", "1"), ps, cfg), b = run("dnd", Map.of("gamma", "1", "repel", "0"), ps, cfg);
        assertArrayEquals(a.latent().data(), b.latent().data());
        assertTrue(CompositionOracleTest.maxDiff(a.latent().data(), run("dnd", Map.of("gamma", "1", "repel", "2"), ps, cfg).latent().data()) > 1e-3);
    }

    private static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i] / a.length; mb += b[i] / b.length; }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void guidanceFromThePreviousAllocationIsKnownBeforeTheStep() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        Composition c = Compositions.create("dnd", Map.of("gamma", "0.5", "guidance-from", "previous"), ps, cfg);
        int withGuidance = 0;
        while (!c.done()) {
            List<Composition.GuidanceRequest> early = c.prefetchGuidance();
            List<Composition.PlayerOutput> outs = new ArrayList<>();
            for (Composition.PlayerRequest r : c.stepRequests()) outs.add(LocalSampler.step(ps.get(r.player()), GMM, r));
            List<Composition.GuidanceRequest> g = c.acceptStep(outs);
            assertEquals(early, g, "step " + c.stepIndex());
            if (c.stepIndex() == 0) assertTrue(g.isEmpty());
            else { assertEquals(2, g.size()); withGuidance++; }
            List<FloatTensor> grads = new ArrayList<>();
            for (Composition.GuidanceRequest r : g) grads.add(LocalSampler.guide(ps.get(r.player()), GMM, r));
            c.acceptGuidance(grads);
        }
        assertEquals(cfg.steps() - 1, withGuidance);
        // the current-allocation variant prefetches nothing
        assertTrue(Compositions.create("dnd", Map.of("gamma", "0.5"), ps, cfg).prefetchGuidance().isEmpty());
    }

    @Test
    void multiDiffusionBootstrapsOutsideTheMasksEarlyOnly() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        Composition c = Compositions.create("multidiffusion", Map.of("bootstrap", "0.3", "background", "black"), ps, cfg);
        int bootstrapped = 0;
        while (!c.done()) {
            List<Composition.PlayerRequest> reqs = c.stepRequests();
            boolean differ = !reqs.get(0).x().equals(reqs.get(1).x());
            if (differ) bootstrapped++;
            List<Composition.PlayerOutput> outs = new ArrayList<>();
            for (Composition.PlayerRequest r : reqs) outs.add(LocalSampler.step(ps.get(r.player()), GMM, r));
            c.acceptStep(outs);
            c.acceptGuidance(List.of());
        }
        assertEquals(3, bootstrapped);
    }

    @Test
    void amdmNestedWeightsHaveUnitSumOfSquaresForAnyN() {
        java.util.Random r = new java.util.Random(4);
        for (int n = 1; n <= 6; n++) {
            double[] omega = new double[n - 1];
            for (int i = 0; i < omega.length; i++) omega[i] = r.nextDouble();
            double ss = 0;
            for (double w : AmdmComposition.nested(omega)) { assertTrue(w >= 0); ss += w * w; }
            assertEquals(1, ss, 1e-12);
        }
        double[] three = AmdmComposition.nested(new double[]{0.5, 0.5});
        assertArrayEquals(new double[]{0.25, Math.sqrt(0.75) * 0.5, Math.sqrt(0.75)}, three, 1e-12);
        List<PlayerSpec> ps = List.of(player("left"), player("right"), player("dot"));
        AmdmComposition c = (AmdmComposition) Compositions.create("amdm", Map.of(), ps, cfg);
        for (double w : c.weights()) assertEquals(1 / Math.sqrt(3), w, 1e-12);
        AmdmComposition e = (AmdmComposition) Compositions.create("amdm", Map.of("weights", "3,4,0"), ps, cfg);
        assertArrayEquals(new double[]{0.6, 0.8, 0}, e.weights(), 1e-12);
        // both variants of the deviation target run and differ
        float[] mean = run("amdm", Map.of("window-end", "5"), ps, cfg).latent().data();
        float[] code = run("amdm", Map.of("window-end", "5", "target", "code", "clamp", "off"), ps, cfg).latent().data();
        assertTrue(CompositionOracleTest.maxDiff(mean, code) > 1e-3);
    }

    @Test
    void composableNotPushesAwayFromTheNegatedConcept() {
        // NOT "right" with AND "dot": eps_hat differs from AND "dot" alone by - w (eps_right^c - eps_right^u) + averaging
        PlayerSpec dot = player("dot");
        PlayerSpec notRight = new PlayerSpec(CARD, new Concept("right", Optional.empty()), 0, true, Optional.empty());
        float[] and = run("composable", Map.of(), List.of(dot, player("right")), cfg).latent().data();
        float[] not = run("composable", Map.of(), List.of(dot, notRight), cfg).latent().data();
        // right half brighter (more "right" blob) with AND than with NOT
        assertTrue(rightHalfMean(and) > rightHalfMean(not), "AND " + rightHalfMean(and) + " NOT " + rightHalfMean(not));
        var e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("composable", Map.of(), List.of(notRight), cfg));
        assertTrue(e.getMessage().contains("negated"));
    }

    private static double rightHalfMean(float[] x) {
        double s = 0;
        for (int ch = 0; ch < 3; ch++) for (int y = 0; y < 8; y++) for (int xx = 4; xx < 8; xx++) s += x[ch * 64 + y * 8 + xx];
        return s / (3 * 32);
    }

    @Test
    void badOptionsAreNamed() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        var e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of("betta", "3"), ps, cfg));
        assertTrue(e.getMessage().contains("betta") && e.getMessage().contains("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of("beta", "-1"), ps, cfg));
        assertTrue(e.getMessage().contains("beta='-1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of("utility", "clip"), ps, cfg));
        assertTrue(e.getMessage().contains("utility"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of("fairness", "fair"), ps, cfg));
        assertTrue(e.getMessage().contains("option fairness") && e.getMessage().contains("'fair'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of("utility", "score", "gamma", "1"), ps, cfg));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd-nofair", Map.of("fairness", "proportional"), ps, cfg));
        assertTrue(e.getMessage().contains("fairness"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("amdm", Map.of("omega", "0.5,0.5,0.5"), ps, cfg));
        assertTrue(e.getMessage().contains("omega"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("average", Map.of("beta", "1"), ps, cfg));
        assertTrue(e.getMessage().contains("average") && e.getMessage().contains("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("blend", Map.of(), ps, cfg));
        assertTrue(e.getMessage().contains("'blend'") && e.getMessage().contains("multidiffusion"), e.getMessage());
        List<PlayerSpec> mixed = List.of(player("left"),
                new PlayerSpec(CARD, new Concept("right", Optional.empty()), 0, false, Optional.of(new PlayerSpec.Region(0.5, 0, 1, 1))));
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("multidiffusion", Map.of(), mixed, cfg));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
        assertEquals(List.of("average", "composable", "multidiffusion", "dnd", "dnd-nofair", "amdm"), Compositions.methods());
        // extras a method would ignore are refused, naming the player
        List<PlayerSpec> negated = List.of(player("left"), new PlayerSpec(CARD, new Concept("right", Optional.empty()), 0, true, Optional.empty()));
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("dnd", Map.of(), negated, cfg));
        assertTrue(e.getMessage().contains("player 1") && e.getMessage().contains("NOT"), e.getMessage());
        List<PlayerSpec> weighted = List.of(new PlayerSpec(CARD, new Concept("left", Optional.empty()), 2, false, Optional.empty()));
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("average", Map.of(), weighted, cfg));
        assertTrue(e.getMessage().contains("weight"), e.getMessage());
        List<PlayerSpec> placed = List.of(new PlayerSpec(CARD, new Concept("left", Optional.empty()), 0, false, Optional.of(new PlayerSpec.Region(0, 0, 1, 1))));
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("amdm", Map.of(), placed, cfg));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
    }

    @Test
    void misuseOfTheStateMachineIsRejected() {
        List<PlayerSpec> ps = List.of(player("left"), player("right"));
        Composition c = Compositions.create("dnd", Map.of(), ps, cfg);
        assertThrows(IllegalStateException.class, () -> c.acceptGuidance(List.of()));
        assertThrows(IllegalStateException.class, c::result);
        var e = assertThrows(IllegalArgumentException.class, () -> c.acceptStep(List.of()));
        assertTrue(e.getMessage().contains("outputs"));
        List<Composition.PlayerOutput> outs = new ArrayList<>();
        for (Composition.PlayerRequest r : c.stepRequests()) outs.add(LocalSampler.step(ps.get(r.player()), GMM, r));
        Composition.PlayerOutput good = outs.get(1);
        float[] nan = good.epsCond().data().clone();
        nan[5] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> c.acceptStep(List.of(outs.get(0),
                new Composition.PlayerOutput(new FloatTensor(good.epsCond().shape(), nan), good.epsUncond(), good.attention()))));
        assertTrue(e.getMessage().contains("player 1") && e.getMessage().contains("epsCond"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.acceptStep(List.of(outs.get(0),
                new Composition.PlayerOutput(good.epsCond(), good.epsUncond(), null))));
        assertTrue(e.getMessage().contains("attention"), e.getMessage());
        c.acceptStep(outs);
        assertThrows(IllegalStateException.class, c::stepRequests);
        e = assertThrows(IllegalArgumentException.class, () -> c.acceptGuidance(List.of(FloatTensor.zeros(3, 8, 8))));
        assertTrue(e.getMessage().contains("gradients"));
        StepReport rep = c.acceptGuidance(List.of());
        assertEquals(0, rep.step());
        assertEquals(1, c.stepIndex());
        // players with different latent shapes cannot be composed
        var other = new dnd.common.gmm.GaussianMixtureDenoiser(dnd.common.gmm.GmmSpec.withShape("big", 16, 16, 4, 4));
        e = assertThrows(IllegalArgumentException.class, () -> Compositions.create("average", Map.of(),
                List.of(player("left"), PlayerSpec.of(other.card(), new Concept("left", Optional.empty()))), cfg));
        assertTrue(e.getMessage().contains("latent"), e.getMessage());
    }
}
