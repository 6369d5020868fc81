package dnd.common.game;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FairDivisionSolverTest {

    record Instance(int n, int m, boolean fictitious, double[] u, double[] logP, double beta) {
        int rows() { return n + (fictitious ? 1 : 0); }
    }

    static Instance random(Random r, int n, int m, boolean allowInfiniteBeta) {
        boolean fict = r.nextBoolean();
        int rows = n + (fict ? 1 : 0);
        double[] u = new double[n * m];
        for (int i = 0; i < n; i++) {
            double s = 0;
            double sharp = 0.5 + 2 * r.nextDouble();
            for (int j = 0; j < m; j++) { u[i * m + j] = Math.exp(sharp * r.nextGaussian()); s += u[i * m + j]; }
            for (int j = 0; j < m; j++) u[i * m + j] /= s;
        }
        double[] logP = new double[rows * m];
        for (int j = 0; j < m; j++) {
            double mx = Double.NEGATIVE_INFINITY;
            double[] e = new double[rows];
            for (int p = 0; p < rows; p++) { e[p] = 0.7 * r.nextGaussian(); mx = Math.max(mx, e[p]); }
            double z = 0;
            for (int p = 0; p < rows; p++) z += Math.exp(e[p] - mx);
            for (int p = 0; p < rows; p++) logP[p * m + j] = e[p] - mx - Math.log(z);
        }
        double beta = allowInfiniteBeta && r.nextInt(10) == 0 ? Double.POSITIVE_INFINITY : (0.3 + 20 * r.nextDouble()) / m;
        return new Instance(n, m, fict, u, logP, beta);
    }

    static GameSpec spec(Instance in, Set<Fairness> notions, double delta) {
        return new GameSpec(in.n, in.m, in.fictitious, notions, delta, 0.02, 50);
    }

    @Test
    void proportionalOnRandomInstances() { randomInstances(EnumSet.of(Fairness.PROPORTIONAL), 1); }

    @Test
    void envyFreeOnRandomInstances() { randomInstances(EnumSet.of(Fairness.ENVY_FREE), 2); }

    @Test
    void equitableOnRandomInstances() { randomInstances(EnumSet.of(Fairness.EQUITABLE), 3); }

    @Test
    void stackedOnRandomInstances() { randomInstances(EnumSet.allOf(Fairness.class), 4); }

    private void randomInstances(Set<Fairness> notions, long seed) {
        Random r = new Random(seed);
        int bound = 0;
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + trial % 7;
            int m = 8 + r.nextInt(120);
            Instance in = random(r, n, m, true);
            double delta = 0.05;
            GameResult res = new FairDivisionSolver(spec(in, notions, delta)).solve(in.u, in.logP, in.beta, null);
            String where = notions + " trial " + trial + " n=" + n + " m=" + m;
            assertTrue(res.converged(), where + " did not converge, kkt " + res.kktResidual());
            assertFalse(res.lambdaCapHit(), where);
            assertTrue(res.kktResidual() <= 1e-8, where + " kkt " + res.kktResidual());
            assertColumnStochastic(res, where);
            double[][] v = values(in, res);
            for (int i = 0; i < n; i++) {
                double total = 0;
                for (int j = 0; j < m; j++) total += in.u[i * m + j];
                if (notions.contains(Fairness.PROPORTIONAL)) assertTrue(v[i][i] >= (1 - delta) * total / n - 1e-6, where + " proportional " + i);
                for (int k = 0; k < n; k++) {
                    if (k == i) continue;
                    if (notions.contains(Fairness.ENVY_FREE)) assertTrue(v[i][i] >= (1 - delta) * v[k][i] - 1e-6, where + " envy " + i + "<-" + k);
                    if (notions.contains(Fairness.EQUITABLE)) assertTrue(v[i][i] - v[k][k] <= 0.02 + 1e-6, where + " equitable " + i + "," + k);
                }
                assertEquals(v[i][i], res.value()[i], 1e-9, where);
                assertTrue(res.slack()[i] >= -1e-6, where + " slack " + res.slack()[i]);
            }
            // complementary slackness per row, checked from the reported multipliers
            for (double l : res.lambda()) assertTrue(l >= 0 && Double.isFinite(l), where);
            if (res.iterations() > 0) bound++;
        }
        assertTrue(bound > 20, "too few instances had a binding constraint: " + bound);
    }

    @Test
    void objectiveMatchesAnIndependentPrimalProjectedGradient() {
        Random r = new Random(99);
        for (Set<Fairness> notions : java.util.List.of(EnumSet.of(Fairness.PROPORTIONAL), EnumSet.of(Fairness.ENVY_FREE),
                EnumSet.of(Fairness.EQUITABLE), EnumSet.noneOf(Fairness.class))) {
            for (int trial = 0; trial < 6; trial++) {
                int n = 2 + trial % 3, m = 5 + r.nextInt(3);
                Instance in = random(r, n, m, false);
                double delta = 0.05;
                GameResult res = new FairDivisionSolver(spec(in, notions, delta)).solve(in.u, in.logP, in.beta, null);
                PrimalReference ref = new PrimalReference(n, m, in.fictitious, in.u, in.logP, in.beta, notions, delta, 0.02);
                double[] q = ref.solve(3000);
                double[] mine = new double[in.rows() * m];
                for (int x = 0; x < mine.length; x++) mine[x] = Math.exp(res.logQ()[x]);
                double fRef = ref.objective(q), fMine = ref.objective(mine);
                String where = notions + " trial " + trial;
                assertEquals(fRef, fMine, 1e-6, where);
                assertEquals(fMine, res.objective(), 1e-9, where);
                for (int x = 0; x < mine.length; x++) assertEquals(q[x], mine[x], 1e-3, where + " Q entry " + x);
            }
        }
    }

    @Test
    void multipliersAreZeroAndQIsThePlainTiltWhenNothingBinds() {
        // each player wants its own third of the canvas: the unconstrained tilt already gives all their share
        int n = 3, m = 30;
        double[] u = new double[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) u[i * m + j] = (j / 10 == i ? 1.0 : 0.01);
        for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < m; j++) s += u[i * m + j]; for (int j = 0; j < m; j++) u[i * m + j] /= s; }
        double[] logP = new double[(n + 1) * m];
        java.util.Arrays.fill(logP, Math.log(1.0 / (n + 1)));
        double beta = 0.5 / m;
        GameResult plain = new FairDivisionSolver(new GameSpec(n, m, true, Set.of(), 0.05, 0.02, 50)).solve(u, logP, beta, null);
        for (Set<Fairness> notions : java.util.List.of(EnumSet.of(Fairness.PROPORTIONAL), EnumSet.of(Fairness.ENVY_FREE), EnumSet.allOf(Fairness.class))) {
            GameResult res = new FairDivisionSolver(new GameSpec(n, m, true, notions, 0.05, 0.05, 50)).solve(u, logP, beta, null);
            for (double l : res.lambda()) assertEquals(0.0, l, notions.toString());
            assertArrayEquals(plain.logQ(), res.logQ(), 1e-12);
            for (int i = 0; i < n; i++) assertTrue(res.slack()[i] > 0.01, notions + " slack " + res.slack()[i]);
        }
        // and the plain tilt is the closed form softmax(log P + u / beta)
        for (int j = 0; j < m; j++) {
            double z = 0;
            for (int p = 0; p <= n; p++) z += Math.exp(logP[p * m + j] + (p < n ? u[p * m + j] : 1.0 / m) / beta);
            for (int p = 0; p <= n; p++)
                assertEquals(logP[p * m + j] + (p < n ? u[p * m + j] : 1.0 / m) / beta - Math.log(z), plain.logQ(p, j), 1e-12);
        }
    }

    @Test
    void activeProportionalRowsHoldWithEquality() {
        Random r = new Random(5);
        int active = 0;
        for (int trial = 0; trial < 50; trial++) {
            Instance in = random(r, 2 + trial % 7, 64, true);
            GameResult res = new FairDivisionSolver(spec(in, EnumSet.of(Fairness.PROPORTIONAL), 0.05)).solve(in.u, in.logP, in.beta, null);
            for (int i = 0; i < in.n; i++)
                if (res.lambda()[i] > 0) { active++; assertEquals(res.target()[i], res.value()[i], 1e-9); }
        }
        assertTrue(active > 10, "only " + active + " active rows");
    }

    @Test
    void warmStartGivesTheColdStartSolution() {
        Random r = new Random(17);
        for (Set<Fairness> notions : java.util.List.of(EnumSet.of(Fairness.PROPORTIONAL), EnumSet.of(Fairness.ENVY_FREE), EnumSet.of(Fairness.EQUITABLE))) {
            for (int trial = 0; trial < 30; trial++) {
                Instance in = random(r, 2 + trial % 7, 96, false);
                FairDivisionSolver solver = new FairDivisionSolver(spec(in, notions, 0.05));
                GameResult cold = solver.solve(in.u, in.logP, in.beta, null);
                double[] warm = cold.lambda().clone();
                for (int x = 0; x < warm.length; x++) warm[x] = warm[x] * (0.5 + r.nextDouble()) + (r.nextInt(4) == 0 ? 10 : 0);
                GameResult again = solver.solve(in.u, in.logP, in.beta, warm);
                assertTrue(again.kktResidual() <= 1e-8);
                assertArrayEquals(cold.logQ(), again.logQ(), 1e-7, notions + " trial " + trial);
                assertArrayEquals(cold.value(), again.value(), 1e-9);
                // exact warm start: nothing to do
                GameResult exact = solver.solve(in.u, in.logP, in.beta, cold.lambda());
                assertEquals(0, exact.iterations());
                assertArrayEquals(cold.logQ(), exact.logQ(), 0.0);
            }
        }
    }

    @Test
    void infeasibleTargetsHitTheCapAndSaySo() {
        // flat utilities, no relaxation, the fictitious player present: V_i >= 1/n forces Q_fict = 0, which the
        // full-support closed form can only approach
        int n = 3, m = 16;
        double[] u = new double[n * m];
        java.util.Arrays.fill(u, 1.0 / m);
        double[] logP = new double[(n + 1) * m];
        java.util.Arrays.fill(logP, Math.log(0.25));
        GameResult res = new FairDivisionSolver(new GameSpec(n, m, true, EnumSet.of(Fairness.PROPORTIONAL), 0.0, 0.02, 20))
                .solve(u, logP, Double.POSITIVE_INFINITY, null);
        assertTrue(res.lambdaCapHit());
        for (double x : res.logQ()) assertFalse(Double.isNaN(x));
        for (int i = 0; i < n; i++) { assertTrue(res.slack()[i] < 0); assertTrue(res.slack()[i] > -1e-6, "slack " + res.slack()[i]); }
        assertColumnStochastic(res, "capped");
        // the relaxation makes the same game feasible
        GameResult relaxed = new FairDivisionSolver(new GameSpec(n, m, true, EnumSet.of(Fairness.PROPORTIONAL), 0.05, 0.02, 20))
                .solve(u, logP, Double.POSITIVE_INFINITY, null);
        assertFalse(relaxed.lambdaCapHit());
        assertTrue(relaxed.converged());
        assertEquals(0.05, relaxed.relaxation());
        for (int i = 0; i < n; i++) assertEquals(0.95 / n, relaxed.value()[i], 1e-9);
    }

    @Test
    void infiniteBetaWithoutFairnessFreezesQ() {
        Instance in = random(new Random(3), 4, 50, false);
        GameResult res = new FairDivisionSolver(spec(in, Set.of(), 0.05)).solve(in.u, in.logP, Double.POSITIVE_INFINITY, null);
        assertArrayEquals(in.logP, res.logQ(), 1e-12);
    }

    @Test
    void extremeInstancesNeverGiveNaNOrSilentDivergence() {
        Random r = new Random(8);
        double[] betas = {1e-3, 0.1, 1, 1e3, Double.POSITIVE_INFINITY};
        List<Set<Fairness>> notionSets = List.of(EnumSet.of(Fairness.PROPORTIONAL), EnumSet.of(Fairness.ENVY_FREE),
                EnumSet.of(Fairness.EQUITABLE), EnumSet.allOf(Fairness.class));
        for (int trial = 0; trial < 120; trial++) {
            int n = 1 + r.nextInt(6), m = 4 + r.nextInt(60);
            boolean fict = r.nextBoolean();
            int rows = n + (fict ? 1 : 0);
            double[] u = new double[n * m];
            boolean identical = r.nextInt(5) == 0;     // identical players: dependent envy rows
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    u[i * m + j] = identical && i > 0 ? u[j] : (r.nextInt(4) == 0 ? 0 : Math.exp(5 * r.nextGaussian()));
                    s += u[i * m + j];
                }
                for (int j = 0; j < m && s > 0; j++) u[i * m + j] /= s;
            }
            double[] logP = new double[rows * m];
            for (int j = 0; j < m; j++) {
                int keep = r.nextInt(rows);                    // one finite entry per column at least
                double z = 0;
                for (int p = 0; p < rows; p++) {
                    double v = p != keep && r.nextInt(6) == 0 ? Double.NEGATIVE_INFINITY : -30 * r.nextDouble();
                    logP[p * m + j] = v;
                    z += Math.exp(v);
                }
                for (int p = 0; p < rows; p++) logP[p * m + j] -= Math.log(z);
            }
            double beta = betas[r.nextInt(betas.length)] / m;
            double delta = r.nextBoolean() ? 0 : 0.05;
            Set<Fairness> notions = notionSets.get(r.nextInt(notionSets.size()));
            GameResult res = new FairDivisionSolver(new GameSpec(n, m, fict, notions, delta, 0.02, 50)).solve(u, logP, beta, null);
            String where = "trial " + trial + " " + notions + " n=" + n + " m=" + m + " beta'=" + beta * m;
            assertColumnStochastic(res, where);
            assertTrue(Double.isFinite(res.kktResidual()), where);
            assertTrue(Double.isFinite(res.objective()) || Double.isInfinite(beta), where);
            for (int i = 0; i < n; i++) {
                assertTrue(Double.isFinite(res.value()[i]) && Double.isFinite(res.slack()[i]), where);
                // a violated target is always explained: the cap was hit or the solver says it did not converge
                if (res.slack()[i] < -1e-6) assertTrue(res.lambdaCapHit() || !res.converged(), where + " slack " + res.slack()[i]);
            }
        }
    }

    @Test
    void badInputNamesTheField() {
        GameSpec s = new GameSpec(2, 4, true, EnumSet.of(Fairness.PROPORTIONAL), 0.05, 0.02, 50);
        FairDivisionSolver solver = new FairDivisionSolver(s);
        double[] u = new double[8], lp = new double[12];
        var e = assertThrows(IllegalArgumentException.class, () -> solver.solve(new double[7], lp, 1, null));
        assertTrue(e.getMessage().startsWith("utility"));
        u[3] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> solver.solve(u, lp, 1, null));
        assertTrue(e.getMessage().contains("(0,3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> solver.solve(new double[8], lp, 0, null));
        assertTrue(e.getMessage().startsWith("beta"));
        double[] lp2 = new double[12];
        lp2[1] = lp2[5] = lp2[9] = Double.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> solver.solve(new double[8], lp2, 1, null));
        assertTrue(e.getMessage().contains("column 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GameSpec(2, 4, true, Set.of(), 1.0, 0, 50));
        assertTrue(e.getMessage().contains("delta"));
        e = assertThrows(IllegalArgumentException.class, () -> Fairness.parseSet("proportional,fair"));
        assertTrue(e.getMessage().contains("'fair'"));
        assertEquals(EnumSet.of(Fairness.PROPORTIONAL, Fairness.ENVY_FREE), Fairness.parseSet("envy-free, proportional"));
        assertEquals(EnumSet.noneOf(Fairness.class), Fairness.parseSet("none"));
    }

    static void assertColumnStochastic(GameResult res, String where) {
        for (int j = 0; j < res.features(); j++) {
            double s = 0;
            for (int p = 0; p < res.rows(); p++) {
                double lq = res.logQ(p, j);
                assertFalse(Double.isNaN(lq), where);
                assertTrue(lq <= 1e-12, where);
                s += Math.exp(lq);
            }
            assertEquals(1, s, 1e-12, where + " column " + j);
        }
    }

    /** v[p][a] = V_{a<-p} = sum_j Q_pj u_aj. */
    static double[][] values(Instance in, GameResult res) {
        double[][] v = new double[in.n][in.n];
        for (int p = 0; p < in.n; p++)
            for (int a = 0; a < in.n; a++)
                for (int j = 0; j < in.m; j++) v[p][a] += Math.exp(res.logQ(p, j)) * in.u[a * in.m + j];
        return v;
    }
}
