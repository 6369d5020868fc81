package dnd.common.game;

import dnd.common.noise.SeededNoise;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Times {@link FairDivisionSolver} on realistic sequences of games: attention-like utilities
 * (one smooth blob per player on a square grid, the blobs contesting the middle of the canvas,
 * drifting a little each step, with multiplicative noise), the prior being the previous step's
 * allocation. "warm" starts from the previous step's
 * lambda (what a job does); "cold" solves the same game from lambda = 0.
 */
public final class SolverBenchmark {

    /** One measured configuration. */
    public record Result(String notion, int n, int m, String start, double medianMs, double p90Ms, double meanIterations,
                         double maxKkt, int samples) {}

    private final int steps;
    private final int repeats;
    private final double betaPrime;
    private final double delta;

    public SolverBenchmark(int steps, int repeats, double betaPrime, double delta) {
        if (steps < 2 || repeats < 1) throw new IllegalArgumentException("benchmark: steps >= 2 and repeats >= 1");
        this.steps = steps;
        this.repeats = repeats;
        this.betaPrime = betaPrime;
        this.delta = delta;
    }

    /** Measures warm and cold starts of one (notions, n, m); the label names the notions. */
    public List<Result> run(String label, Set<Fairness> notions, int n, int m) {
        GameSpec spec = new GameSpec(n, m, true, notions, delta, 0.02, 50);
        FairDivisionSolver solver = new FairDivisionSolver(spec);
        double beta = betaPrime / m;
        int rows = spec.rows();
        double[][] us = new double[steps][];
        double[][] priors = new double[steps][];
        double[][] warms = new double[steps][];
        double[] logQ = new double[rows * m];
        Arrays.fill(logQ, -Math.log(rows));
        double[] lambda = null;
        SeededNoise noise = new SeededNoise(n * 1_000_003L + m);
        for (int s = 0; s < steps; s++) {
            us[s] = utilities(noise, n, m, s);
            priors[s] = logQ;
            warms[s] = lambda;
            GameResult r = solver.solve(us[s], logQ, beta, lambda);
            logQ = r.logQ();
            lambda = r.lambda();
        }
        return List.of(time(label, solver, us, priors, warms, beta, n, m, true),
                time(label, solver, us, priors, warms, beta, n, m, false));
    }

    private Result time(String label, FairDivisionSolver solver, double[][] us, double[][] priors, double[][] warms,
                        double beta, int n, int m, boolean warm) {
        // the first step has no previous lambda: warm timings use steps 1..
        int first = 1;
        double[] times = new double[(steps - first) * repeats];
        double iters = 0, maxKkt = 0;
        int x = 0;
        for (int rep = 0; rep < repeats; rep++)
            for (int s = first; s < steps; s++) {
                long t0 = System.nanoTime();
                GameResult r = solver.solve(us[s], priors[s], beta, warm ? warms[s] : null);
                times[x++] = (System.nanoTime() - t0) / 1e6;
                iters += r.iterations();
                maxKkt = Math.max(maxKkt, r.kktResidual());
            }
        Arrays.sort(times);
        return new Result(label, n, m, warm ? "warm" : "cold", times[times.length / 2], times[(int) (times.length * 0.9)],
                iters / times.length, maxKkt, times.length);
    }

    /** Normalised attention-like maps on a sqrt(m) grid: a Gaussian blob per player, drifting with the step. */
    static double[] utilities(SeededNoise noise, int n, int m, int step) {
        int side = (int) Math.round(Math.sqrt(m));
        int w = side * side == m ? side : m, h = m / w;
        double[] u = new double[n * m];
        for (int i = 0; i < n; i++) {
            // centres in the middle of the canvas: the players contest the same region, so fairness binds
            double cx = 0.3 + 0.4 * noise.uniform(SeededNoise.AUXILIARY, 2L * i) + 0.003 * step;
            double cy = 0.3 + 0.4 * noise.uniform(SeededNoise.AUXILIARY, 2L * i + 1);
            double r = 0.12 + 0.1 * noise.uniform(SeededNoise.AUXILIARY, 1000L + i);
            double s = 0;
            for (int j = 0; j < m; j++) {
                double dx = ((j % w) + 0.5) / w - cx, dy = ((j / w) + 0.5) / h - cy;
                double v = (0.05 + Math.exp(-(dx * dx + dy * dy) / (2 * r * r))) * Math.exp(0.05 * noise.normal(step, (long) i * m + j));
                u[i * m + j] = v;
                s += v;
            }
            for (int j = 0; j < m; j++) u[i * m + j] /= s;
        }
        return u;
    }

    /** The notion sets a standard run measures, with their labels. */
    public static List<java.util.Map.Entry<String, Set<Fairness>>> standardNotions() {
        return List.of(java.util.Map.entry("proportional", EnumSet.of(Fairness.PROPORTIONAL)),
                java.util.Map.entry("envy-free", EnumSet.of(Fairness.ENVY_FREE)),
                java.util.Map.entry("equitable", EnumSet.of(Fairness.EQUITABLE)),
                java.util.Map.entry("stacked", EnumSet.allOf(Fairness.class)));
    }
}
