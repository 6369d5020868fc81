package dnd.common.game;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * An independent reference for tests: projected gradient ascent on the primal
 * max sum Q u - beta KL(Q || P) over {column-stochastic Q} intersected with the fairness
 * half-spaces, the Euclidean projection done by Dykstra's alternating projections. Slow and
 * simple on purpose; it shares no code with {@link FairDivisionSolver}.
 */
final class PrimalReference {

    private final int n, m, rows;
    private final double[] util;      // rows x m, fictitious row 1/m
    private final double[] logP;
    private final double beta;
    private final List<double[]> a = new ArrayList<>();   // constraints a . Q >= c
    private final List<Double> c = new ArrayList<>();

    PrimalReference(int n, int m, boolean fictitious, double[] u, double[] logP, double beta, Set<Fairness> notions,
                    double delta, double eqTol) {
        this.n = n; this.m = m; this.rows = n + (fictitious ? 1 : 0);
        this.util = new double[rows * m];
        System.arraycopy(u, 0, util, 0, n * m);
        for (int j = 0; fictitious && j < m; j++) util[n * m + j] = 1.0 / m;
        this.logP = logP; this.beta = beta;
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int j = 0; j < m; j++) total += u[i * m + j];
            if (notions.contains(Fairness.PROPORTIONAL)) {          // V_i >= (1-delta)/n total
                double[] row = new double[rows * m];
                for (int j = 0; j < m; j++) row[i * m + j] = u[i * m + j];
                a.add(row); c.add((1 - delta) * total / n);
            }
            for (int k = 0; k < n; k++) {
                if (k == i) continue;
                if (notions.contains(Fairness.ENVY_FREE)) {         // V_i - (1-delta) V_{i<-k} >= 0
                    double[] row = new double[rows * m];
                    for (int j = 0; j < m; j++) { row[i * m + j] = u[i * m + j]; row[k * m + j] = -(1 - delta) * u[i * m + j]; }
                    a.add(row); c.add(0.0);
                }
                if (notions.contains(Fairness.EQUITABLE)) {         // V_k - V_i >= -eps
                    double[] row = new double[rows * m];
                    for (int j = 0; j < m; j++) { row[k * m + j] = u[k * m + j]; row[i * m + j] = -u[i * m + j]; }
                    a.add(row); c.add(-eqTol);
                }
            }
        }
    }

    double objective(double[] q) {
        double f = 0;
        for (int x = 0; x < q.length; x++) {
            f += q[x] * util[x];
            if (q[x] > 0) f -= beta * q[x] * (Math.log(q[x]) - logP[x]);
        }
        return f;
    }

    /** Runs projected gradient with backtracking from the prior; returns Q. */
    double[] solve(int iterations) {
        double[] q = new double[rows * m];
        for (int x = 0; x < q.length; x++) q[x] = Math.exp(logP[x]);
        q = project(q);
        double step = 1e-2;
        double fq = objective(q);
        for (int it = 0; it < iterations; it++) {
            double[] g = new double[q.length];
            for (int x = 0; x < q.length; x++) g[x] = util[x] - beta * (Math.log(Math.max(q[x], 1e-300)) - logP[x] + 1);
            step *= 2;
            while (true) {
                double[] y = new double[q.length];
                for (int x = 0; x < q.length; x++) y[x] = q[x] + step * g[x];
                double[] next = project(y);
                double lin = 0, sq = 0;
                for (int x = 0; x < q.length; x++) { double dd = next[x] - q[x]; lin += g[x] * dd; sq += dd * dd; }
                double fn = objective(next);
                if (fn >= fq + lin - sq / (2 * step) - 1e-15 || step < 1e-14) {
                    if (sq < 1e-20) return next;
                    q = next; fq = fn;
                    break;
                }
                step *= 0.5;
            }
        }
        return q;
    }

    /** Euclidean projection onto the intersection (Dykstra). */
    double[] project(double[] y) {
        int sets = 1 + a.size();
        double[][] corr = new double[sets][y.length];
        double[] x = y.clone();
        for (int cycle = 0; cycle < 5000; cycle++) {
            double change = 0;
            for (int s = 0; s < sets; s++) {
                double[] z = new double[x.length];
                for (int e = 0; e < x.length; e++) z[e] = x[e] + corr[s][e];
                double[] p = s == 0 ? projectSimplices(z) : projectHalfSpace(z, a.get(s - 1), c.get(s - 1));
                for (int e = 0; e < x.length; e++) {
                    corr[s][e] = z[e] - p[e];
                    change = Math.max(change, Math.abs(p[e] - x[e]));
                }
                x = p;
            }
            if (change < 1e-12) break;
        }
        return x;
    }

    private double[] projectSimplices(double[] z) {
        double[] out = new double[z.length];
        double[] col = new double[rows];
        for (int j = 0; j < m; j++) {
            for (int p = 0; p < rows; p++) col[p] = z[p * m + j];
            double[] s = col.clone();
            Arrays.sort(s);
            double cum = 0, tau = 0;
            for (int r = rows - 1; r >= 0; r--) {
                cum += s[r];
                double t = (cum - 1) / (rows - r);
                if (r == 0 || s[r - 1] <= t) { tau = t; break; }
            }
            for (int p = 0; p < rows; p++) out[p * m + j] = Math.max(col[p] - tau, 0);
        }
        return out;
    }

    private static double[] projectHalfSpace(double[] z, double[] row, double rhs) {
        double dot = 0, nn = 0;
        for (int e = 0; e < z.length; e++) { dot += row[e] * z[e]; nn += row[e] * row[e]; }
        if (dot >= rhs || nn == 0) return z;
        double[] out = z.clone();
        double t = (rhs - dot) / nn;
        for (int e = 0; e < z.length; e++) out[e] += t * row[e];
        return out;
    }
}
