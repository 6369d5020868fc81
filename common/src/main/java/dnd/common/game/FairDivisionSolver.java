package dnd.common.game;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The allocation step of Divide-and-Denoise (spec 2.4): the column-stochastic Q maximising
 * sum Q u - beta KL(Q || Q_prev) under the stacked fairness rows, in closed form
 * <pre>
 *   log Q_ij = log P_ij + u_ij / beta - &lt;lambda, phi_ij&gt; - log Z_j(lambda)
 * </pre>
 * with lambda minimising the convex dual D(lambda) = &lt;b, lambda&gt; + sum_j log Z_j(lambda) over
 * 0 &lt;= lambda &lt;= lambda_max, by projected Newton (Bertsekas' epsilon-active set) with an Armijo
 * line search, warm-started from the previous step's lambda. Everything stays in the log domain.
 *
 * <p>Every constraint row is a short sum of terms c * V_{a&lt;-p} (player p's share valued by
 * player a's utility), so the gradient needs only the values of the (p, a) pairs that occur, and
 * the Hessian is built over the free rows alone: proportional rows cost O(n^2 m), envy-free and
 * equitable rows O(f^2 m) for f free rows.
 *
 * <p>Infeasibility is explicit: each multiplier is capped at lambda_max; a capped row is reported
 * ({@link GameResult#lambdaCapHit()}, negative slack), never a divergence or NaN.
 *
 * <p>Holds its workspace, so it is not thread-safe: one solver per job. Deterministic: a fixed
 * order of every reduction; exponentials are {@code Math.exp}, bit-identical for a given JVM and
 * CPU (the noise, which must agree across machines, uses StrictMath).
 */
public final class FairDivisionSolver {

    /** KKT tolerance of the default solver. */
    public static final double DEFAULT_TOLERANCE = 1e-10;
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    private static final double ARMIJO = 1e-4;
    private static final double MAX_TILT = 8;
    // relative ridge: equitable and stacked rows are linearly dependent (K > n), so H_FF is singular
    private static final double RIDGE = 1e-8;

    private final GameSpec spec;
    private final int n, m, rows, k;
    private final double tolerance;
    private final int maxIterations;

    // constraint rows: terms [termStart[r], termStart[r+1]) with pair index and coefficient; rowKind for b
    private final int[] termStart;
    private final int[] termPair;
    private final double[] termCoef;
    private final int[] rowKind;          // 0 proportional (b = -rho_i), 1 envy-free (b = 0), 2 equitable (b = eps)
    private final int[] rowOwner;         // the player whose share a proportional row protects
    private final int[] pairP, pairA;     // (p, a): V_{a<-p} = sum_j Q_pj u_aj (a's value of p's share)
    private final int[][] pairsOfRow;     // pairs whose p is the row of Q
    private final double[] pairAbsCoef;   // sum of |c| over the terms of each pair (bounds the tilt)

    // workspace
    private final double[] base, q, ex, colMax, colSum, pairValue, theta, b;
    private final double[] cachedTheta;
    private final boolean[] rowCached;
    private boolean fixedShift;
    private final double[] lambda, trial, grad, trialGrad, dir, hess, chol;
    private final int[] free;
    private final int[] pairSlot, usedPairs;  // pairs of the free rows, for the Hessian
    private final double[] ys, pairMoment;
    private final double[] dTheta, uColMax;   // per pair direction; per player max_j u
    private double[] u;                   // the current problem's utilities (not copied)
    private double lambdaMax;
    private double dualValue, trialDual;

    public FairDivisionSolver(GameSpec spec) {
        this(spec, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
    }

    public FairDivisionSolver(GameSpec spec, double tolerance, int maxIterations) {
        if (!(tolerance > 0)) throw new IllegalArgumentException("solver: tolerance must be > 0");
        if (maxIterations < 1) throw new IllegalArgumentException("solver: max iterations must be >= 1");
        this.spec = spec;
        this.n = spec.players();
        this.m = spec.features();
        this.rows = spec.rows();
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;

        Map<Long, Integer> pairs = new LinkedHashMap<>();
        List<int[]> termsP = new ArrayList<>();
        List<Double> coefs = new ArrayList<>();
        List<Integer> starts = new ArrayList<>(), kinds = new ArrayList<>(), owners = new ArrayList<>();
        double keep = 1 - spec.delta();
        if (spec.notions().contains(Fairness.PROPORTIONAL))
            for (int i = 0; i < n; i++) {
                starts.add(termsP.size()); kinds.add(0); owners.add(i);
                termsP.add(new int[]{i, i}); coefs.add(-1.0);
            }
        if (spec.notions().contains(Fairness.ENVY_FREE))
            for (int i = 0; i < n; i++)
                for (int o = 0; o < n; o++) {
                    if (o == i) continue;
                    starts.add(termsP.size()); kinds.add(1); owners.add(i);
                    termsP.add(new int[]{i, i}); coefs.add(-1.0);
                    termsP.add(new int[]{o, i}); coefs.add(keep);
                }
        if (spec.notions().contains(Fairness.EQUITABLE))
            for (int i = 0; i < n; i++)
                for (int o = 0; o < n; o++) {
                    if (o == i) continue;
                    starts.add(termsP.size()); kinds.add(2); owners.add(o);
                    termsP.add(new int[]{i, i}); coefs.add(1.0);
                    termsP.add(new int[]{o, o}); coefs.add(-1.0);
                }
        k = starts.size();
        starts.add(termsP.size());
        termStart = starts.stream().mapToInt(Integer::intValue).toArray();
        rowKind = kinds.stream().mapToInt(Integer::intValue).toArray();
        rowOwner = owners.stream().mapToInt(Integer::intValue).toArray();
        termPair = new int[termsP.size()];
        termCoef = new double[termsP.size()];
        for (int t = 0; t < termsP.size(); t++) {
            int[] pa = termsP.get(t);
            long key = (long) pa[0] * (n + 1) + pa[1];
            Integer idx = pairs.get(key);
            if (idx == null) { idx = pairs.size(); pairs.put(key, idx); }
            termPair[t] = idx;
            termCoef[t] = coefs.get(t);
        }
        int np = pairs.size();
        pairP = new int[np];
        pairA = new int[np];
        for (var e : pairs.entrySet()) {
            pairP[e.getValue()] = (int) (e.getKey() / (n + 1));
            pairA[e.getValue()] = (int) (e.getKey() % (n + 1));
        }
        pairAbsCoef = new double[np];
        for (int t = 0; t < termPair.length; t++) pairAbsCoef[termPair[t]] += Math.abs(termCoef[t]);
        pairsOfRow = new int[rows][];
        for (int p = 0; p < rows; p++) {
            final int pp = p;
            pairsOfRow[p] = java.util.stream.IntStream.range(0, np).filter(x -> pairP[x] == pp).toArray();
        }

        base = new double[rows * m];
        q = new double[rows * m];
        ex = new double[rows * m];
        colMax = new double[m];
        colSum = new double[m];
        pairValue = new double[np];
        theta = new double[np];
        cachedTheta = new double[np];
        rowCached = new boolean[rows];
        b = new double[k];
        lambda = new double[k];
        trial = new double[k];
        grad = new double[k];
        trialGrad = new double[k];
        dir = new double[k];
        hess = new double[k * k];
        chol = new double[k * k];
        free = new int[k];
        pairSlot = new int[np];
        usedPairs = new int[np];
        ys = new double[np * m];
        pairMoment = new double[np * np];
        dTheta = new double[np];
        uColMax = new double[n];
    }

    public GameSpec spec() { return spec; }

    /** Number of constraint rows K (the length of lambda). */
    public int constraintRows() { return k; }

    /**
     * Solves one step's game.
     *
     * @param utility u, row-major [n][m], non-negative (normalised per player for the usual scales)
     * @param logPrior log Q_prev, row-major [rows][m]; entries may be -infinity, but every column needs a finite one
     * @param beta the KL weight (per feature scale of u); +infinity keeps Q at the prior except where fairness moves it
     * @param warmLambda the previous step's multipliers (length K), or null for a cold start
     */
    public GameResult solve(double[] utility, double[] logPrior, double beta, double[] warmLambda) {
        validate(utility, logPrior, beta);
        this.u = utility;
        double invBeta = Double.isInfinite(beta) ? 0 : 1 / beta;
        double uMax = 0;
        for (int i = 0; i < n; i++) {
            double mx = 0;
            for (int j = 0; j < m; j++) mx = Math.max(mx, utility[i * m + j]);
            uColMax[i] = mx;
            uMax = Math.max(uMax, mx);
        }
        lambdaMax = uMax > 0 ? spec.lambdaCap() / uMax : 0;
        double fictU = 1.0 / m;
        for (int p = 0; p < rows; p++) {
            int off = p * m;
            if (p < n) for (int j = 0; j < m; j++) base[off + j] = logPrior[off + j] + utility[off + j] * invBeta;
            else for (int j = 0; j < m; j++) base[off + j] = logPrior[off + j] + fictU * invBeta;
        }
        // a fixed shift (the base's column max) is safe when no tilt can exceed exp's range
        double worstTilt = 0;
        for (int p = 0; p < rows; p++) {
            double t = 0;
            for (int pair : pairsOfRow[p]) t += pairAbsCoef[pair] * lambdaMax * uColMax[pairA[pair]];
            worstTilt = Math.max(worstTilt, t);
        }
        fixedShift = worstTilt <= 700;   // 9 e^700 and e^-700 are both well inside double range
        Arrays.fill(rowCached, false);
        if (fixedShift) {
            Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
            for (int p = 0; p < rows; p++)
                for (int j = 0; j < m; j++) colMax[j] = Math.max(colMax[j], base[p * m + j]);
        }
        double keep = 1 - spec.delta();
        for (int r = 0; r < k; r++) {
            b[r] = switch (rowKind[r]) {
                case 0 -> {
                    double s = 0;
                    int off = rowOwner[r] * m;
                    for (int j = 0; j < m; j++) s += utility[off + j];
                    yield -keep * s / n;
                }
                case 1 -> 0;
                default -> spec.equitableTolerance();
            };
        }
        for (int r = 0; r < k; r++) {
            double w = warmLambda != null && warmLambda.length == k && Double.isFinite(warmLambda[r]) ? warmLambda[r] : 0;
            lambda[r] = Math.min(Math.max(w, 0), lambdaMax);
        }
        dualValue = evaluate(lambda, grad);
        int iterations = 0;
        double kkt = kkt(lambda, grad);
        boolean stalled = false;
        while (k > 0 && kkt > tolerance && iterations < maxIterations && !stalled) {
            iterations++;
            stalled = !newtonStep(kkt);
            kkt = kkt(lambda, grad);
        }
        if (k > 0 && stalled) { // leave Q consistent with the final lambda
            dualValue = evaluate(lambda, grad);
            kkt = kkt(lambda, grad);
        }
        return result(iterations, kkt, beta);
    }

    // ---------------------------------------------------------------------------------------

    /** Q(lam) into q, log Z into logZ, pair values, gradient into g; returns D(lam). */
    private double evaluate(double[] lam, double[] g) {
        Arrays.fill(theta, 0);
        for (int r = 0; r < k; r++) {
            double l = lam[r];
            if (l == 0) continue;
            for (int t = termStart[r]; t < termStart[r + 1]; t++) theta[termPair[t]] += l * termCoef[t];
        }
        // unnormalised exp rows ex = exp(E - shift), row by row (cache friendly). With a fixed shift
        // (the column max of the base, safe while every tilt is bounded), a row whose tilt did not
        // change since the last evaluation keeps its exps: rows of players whose lambda stays 0 and
        // the fictitious row cost nothing after the first evaluation of a solve.
        if (!fixedShift) Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
        for (int p = 0; p < rows; p++) {
            int off = p * m;
            int[] ps = pairsOfRow[p];
            if (fixedShift && rowCached[p]) {
                boolean same = true;
                for (int pair : ps) same &= theta[pair] == cachedTheta[pair];
                if (same) continue;
            }
            if (fixedShift && ps.length == 1) {   // the common proportional case: one fused pass
                double th = theta[ps[0]];
                int uo = pairA[ps[0]] * m;
                for (int j = 0; j < m; j++) ex[off + j] = Math.exp(base[off + j] - th * u[uo + j] - colMax[j]);
            } else {
                System.arraycopy(base, off, ex, off, m);
                for (int pair : ps) {
                    double th = theta[pair];
                    if (th == 0) continue;
                    int uo = pairA[pair] * m;
                    for (int j = 0; j < m; j++) ex[off + j] -= th * u[uo + j];
                }
                if (fixedShift) for (int j = 0; j < m; j++) ex[off + j] = Math.exp(ex[off + j] - colMax[j]);
                else for (int j = 0; j < m; j++) colMax[j] = Math.max(colMax[j], ex[off + j]);
            }
            if (fixedShift) {
                for (int pair : ps) cachedTheta[pair] = theta[pair];
                rowCached[p] = true;
            }
        }
        if (!fixedShift)
            for (int x = 0; x < rows * m; x++) ex[x] = Math.exp(ex[x] - colMax[x % m]);
        Arrays.fill(colSum, 0);
        for (int p = 0; p < rows; p++) {
            int off = p * m;
            for (int j = 0; j < m; j++) colSum[j] += ex[off + j];
        }
        // sum_j log Z_j with few logs: multiply the column sums, taking a log before the product leaves range
        double sumLogZ = 0, product = 1;
        for (int j = 0; j < m; j++) {
            sumLogZ += colMax[j];
            product *= colSum[j];
            if (product > 1e100 || product < 1e-100) { sumLogZ += Math.log(product); product = 1; }
            colSum[j] = 1 / colSum[j];
        }
        sumLogZ += Math.log(product);
        for (int p = 0; p < rows; p++) {
            int off = p * m;
            for (int j = 0; j < m; j++) q[off + j] = ex[off + j] * colSum[j];
        }
        // pair values V_{a<-p}: the pairs of one row share its q, four at a time (independent sums)
        for (int p = 0; p < rows; p++) {
            int[] ps = pairsOfRow[p];
            int qo = p * m;
            int x = 0;
            for (; x + 4 <= ps.length; x += 4) {
                int u0 = pairA[ps[x]] * m, u1 = pairA[ps[x + 1]] * m, u2 = pairA[ps[x + 2]] * m, u3 = pairA[ps[x + 3]] * m;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = 0; j < m; j++) {
                    double qj = q[qo + j];
                    s0 += qj * u[u0 + j]; s1 += qj * u[u1 + j]; s2 += qj * u[u2 + j]; s3 += qj * u[u3 + j];
                }
                pairValue[ps[x]] = s0; pairValue[ps[x + 1]] = s1; pairValue[ps[x + 2]] = s2; pairValue[ps[x + 3]] = s3;
            }
            for (; x < ps.length; x++) pairValue[ps[x]] = dot(q, qo, u, pairA[ps[x]] * m, m);
        }
        double d = sumLogZ;
        for (int r = 0; r < k; r++) {
            double s = 0;
            for (int t = termStart[r]; t < termStart[r + 1]; t++) s += termCoef[t] * pairValue[termPair[t]];
            g[r] = b[r] - s;
            d += b[r] * lam[r];
        }
        return d;
    }

    private double kkt(double[] lam, double[] g) {
        double worst = 0;
        for (int r = 0; r < k; r++) {
            double proj = Math.min(Math.max(lam[r] - g[r], 0), lambdaMax);
            worst = Math.max(worst, Math.abs(lam[r] - proj));
        }
        return worst;
    }

    /** One projected Newton iteration; false when no decrease could be found. */
    private boolean newtonStep(double kkt) {
        double eps = Math.min(kkt, 1e-3 * lambdaMax);
        int f = 0;
        for (int r = 0; r < k; r++) {
            boolean atLower = lambda[r] <= eps && grad[r] > 0;
            boolean atUpper = lambda[r] >= lambdaMax - eps && grad[r] < 0;
            // epsilon-active rows go straight to their bound
            if (atLower) dir[r] = -lambda[r];
            else if (atUpper) dir[r] = lambdaMax - lambda[r];
            else free[f++] = r;
        }
        double scale = 0;
        if (f > 0) {
            hessian(f);
            for (int x = 0; x < f; x++) scale = Math.max(scale, hess[x * f + x]);
            if (!solveFree(f, scale)) for (int x = 0; x < f; x++) dir[free[x]] = -grad[free[x]] / scale;
        }
        if (lineSearch()) return true;
        if (!(scale > 0)) return false;
        // Newton direction failed: fall back to the scaled projected gradient
        for (int r = 0; r < k; r++) dir[r] = -grad[r] / scale;
        return lineSearch();
    }

    private boolean lineSearch() {
        double noise = 1e-13 * (Math.abs(dualValue) + m);
        // trust region: a first trial that changes no exponent by more than MAX_TILT (saves halvings
        // when a cold Newton step overshoots by orders of magnitude)
        Arrays.fill(dTheta, 0);
        for (int r = 0; r < k; r++)
            for (int t = termStart[r]; t < termStart[r + 1]; t++) dTheta[termPair[t]] += dir[r] * termCoef[t];
        double tilt = 0;
        for (int pair = 0; pair < dTheta.length; pair++) tilt = Math.max(tilt, Math.abs(dTheta[pair]) * uColMax[pairA[pair]]);
        // per row too: dependent rows (equitable, stacked) can move far along directions that leave theta unchanged
        for (int r = 0; r < k; r++) {
            double cm = 0;
            for (int t = termStart[r]; t < termStart[r + 1]; t++) cm = Math.max(cm, Math.abs(termCoef[t]) * uColMax[pairA[termPair[t]]]);
            double move = dir[r] < 0 ? Math.min(-dir[r], lambda[r]) : dir[r];   // a decrease stops at the bound
            tilt = Math.max(tilt, move * cm);
        }
        double step = tilt > MAX_TILT ? MAX_TILT / tilt : 1;
        for (int attempt = 0; attempt < 60; attempt++, step *= 0.5) {
            double descent = 0, moved = 0;
            for (int r = 0; r < k; r++) {
                trial[r] = Math.min(Math.max(lambda[r] + step * dir[r], 0), lambdaMax);
                descent += grad[r] * (trial[r] - lambda[r]);
                moved = Math.max(moved, Math.abs(trial[r] - lambda[r]));
            }
            if (moved == 0) return false;
            if (descent > 0) continue;
            trialDual = evaluate(trial, trialGrad);
            if (trialDual <= dualValue + ARMIJO * descent + noise) {
                System.arraycopy(trial, 0, lambda, 0, k);
                System.arraycopy(trialGrad, 0, grad, 0, k);
                dualValue = trialDual;
                return true;
            }
        }
        return false;
    }

    /**
     * Hessian of D over the free rows, from the current q, in pair space: with y_x = Q_p * u_a for
     * pair x = (p, a), M_xy = sum_j y_x[j] ([p_x = p_y] u_{a_y}[j] - y_y[j]) and
     * H_rs = sum_{t in r, t' in s} c_t c_t' M_{pair(t), pair(t')}.
     */
    private void hessian(int f) {
        Arrays.fill(pairSlot, -1);
        int np = 0;
        for (int x = 0; x < f; x++) {
            int r = free[x];
            for (int t = termStart[r]; t < termStart[r + 1]; t++) {
                int pair = termPair[t];
                if (pairSlot[pair] >= 0) continue;
                pairSlot[pair] = np;
                usedPairs[np++] = pair;
                int yo = pairSlot[pair] * m, qo = pairP[pair] * m, uo = pairA[pair] * m;
                for (int j = 0; j < m; j++) ys[yo + j] = q[qo + j] * u[uo + j];
            }
        }
        for (int x = 0; x < np; x++) {
            int px = pairP[usedPairs[x]], xo = x * m;
            for (int y = x; y < np; y++) {
                int py = pairP[usedPairs[y]], yo = y * m;
                double acc = -dot(ys, xo, ys, yo, m);
                if (px == py) acc += dot(ys, xo, u, pairA[usedPairs[y]] * m, m);
                pairMoment[x * np + y] = acc;
                pairMoment[y * np + x] = acc;
            }
        }
        for (int x = 0; x < f; x++) {
            int r = free[x];
            for (int z = x; z < f; z++) {
                int s = free[z];
                double h = 0;
                for (int t = termStart[r]; t < termStart[r + 1]; t++)
                    for (int t2 = termStart[s]; t2 < termStart[s + 1]; t2++)
                        h += termCoef[t] * termCoef[t2] * pairMoment[pairSlot[termPair[t]] * np + pairSlot[termPair[t2]]];
                hess[x * f + z] = h;
                hess[z * f + x] = h;
            }
        }
    }

    /** dir_F = -(H_FF + ridge)^-1 g_F by Cholesky; false when it cannot be factored. */
    private boolean solveFree(int f, double maxDiag) {
        if (!(maxDiag > 0)) return false;
        double ridge = RIDGE * maxDiag;
        for (int attempt = 0; attempt < 8; attempt++, ridge *= 100) {
            if (cholesky(f, ridge)) {
                // forward and back substitution
                for (int x = 0; x < f; x++) {
                    double s = -grad[free[x]];
                    for (int z = 0; z < x; z++) s -= chol[x * f + z] * dir[free[z]];
                    dir[free[x]] = s / chol[x * f + x];
                }
                for (int x = f - 1; x >= 0; x--) {
                    double s = dir[free[x]];
                    for (int z = x + 1; z < f; z++) s -= chol[z * f + x] * dir[free[z]];
                    dir[free[x]] = s / chol[x * f + x];
                }
                return true;
            }
        }
        return false;
    }

    private boolean cholesky(int f, double ridge) {
        for (int x = 0; x < f; x++) {
            for (int z = 0; z <= x; z++) {
                double s = hess[x * f + z] + (x == z ? ridge : 0);
                for (int y = 0; y < z; y++) s -= chol[x * f + y] * chol[z * f + y];
                if (x == z) {
                    if (!(s > 0)) return false;
                    chol[x * f + x] = Math.sqrt(s);
                } else {
                    chol[x * f + z] = s / chol[z * f + z];
                }
            }
        }
        return true;
    }

    private GameResult result(int iterations, double kkt, double beta) {
        double[] logQ = new double[rows * m];
        double[] logInvSum = new double[m];
        for (int j = 0; j < m; j++) logInvSum[j] = Math.log(colSum[j]);
        for (int p = 0; p < rows; p++) {
            int off = p * m;
            System.arraycopy(base, off, logQ, off, m);
            for (int pair : pairsOfRow[p]) {
                double th = theta[pair];
                if (th == 0) continue;
                int uo = pairA[pair] * m;
                for (int j = 0; j < m; j++) logQ[off + j] -= th * u[uo + j];
            }
            // (E - shift) exactly as evaluate() exponentiated it, then - log(sum): a huge tilt (tiny beta)
            // must not leak its rounding into the normalisation. colSum holds 1/sum.
            for (int j = 0; j < m; j++) logQ[off + j] = (logQ[off + j] - colMax[j]) + logInvSum[j];
        }
        double keep = 1 - spec.delta();
        double[] value = new double[n], target = new double[n], slack = new double[n];
        boolean crossNeeded = spec.notions().contains(Fairness.ENVY_FREE) || spec.notions().contains(Fairness.EQUITABLE);
        double[][] cross = crossNeeded ? new double[n][n] : null;   // cross[p][a] = V_{a<-p}
        for (int i = 0; i < n; i++) value[i] = dot(i, i);
        if (crossNeeded)
            for (int p = 0; p < n; p++) for (int a = 0; a < n; a++) cross[p][a] = p == a ? value[p] : dot(p, a);
        double maxValue = Arrays.stream(value).max().orElse(0);
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int j = 0; j < m; j++) total += u[i * m + j];
            double proportional = keep * total / n;
            double t = Double.NEGATIVE_INFINITY;
            if (spec.notions().isEmpty() || spec.notions().contains(Fairness.PROPORTIONAL)) t = proportional;
            if (spec.notions().contains(Fairness.ENVY_FREE))
                for (int o = 0; o < n; o++) if (o != i) t = Math.max(t, keep * cross[o][i]);
            if (spec.notions().contains(Fairness.EQUITABLE)) t = Math.max(t, maxValue - spec.equitableTolerance());
            if (t == Double.NEGATIVE_INFINITY) t = 0;   // n = 1 with only pairwise notions
            target[i] = t;
            slack[i] = value[i] - t;
        }
        boolean capHit = false;
        for (int r = 0; r < k; r++) capHit |= lambda[r] >= lambdaMax && grad[r] < 0;
        double objective = 0, kl = 0;
        for (int p = 0; p < rows; p++)
            for (int j = 0; j < m; j++) {
                double qq = q[p * m + j];
                if (qq == 0) continue;
                objective += qq * (p < n ? u[p * m + j] : 1.0 / m);
                kl += qq * (logQ[p * m + j] - (base[p * m + j] - (p < n ? u[p * m + j] : 1.0 / m) * (Double.isInfinite(beta) ? 0 : 1 / beta)));
            }
        if (!Double.isInfinite(beta)) objective -= beta * kl;
        return new GameResult(n, m, rows, logQ, lambda.clone(), iterations, kkt, value, target, slack, spec.delta(),
                capHit, k == 0 || kkt <= tolerance, objective, lambdaMax);
    }

    /** V_{a<-p} = sum_j Q_pj u_aj at the current q (from the pair values when the pair occurs). */
    private double dot(int p, int a) {
        for (int pair : pairsOfRow[p]) if (pairA[pair] == a) return pairValue[pair];
        return dot(q, p * m, u, a * m, m);
    }

    /** sum_j x[xo + j] y[yo + j] with four independent partial sums (a fixed order: deterministic). */
    private static double dot(double[] x, int xo, double[] y, int yo, int m) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= m; j += 4) {
            s0 += x[xo + j] * y[yo + j];
            s1 += x[xo + j + 1] * y[yo + j + 1];
            s2 += x[xo + j + 2] * y[yo + j + 2];
            s3 += x[xo + j + 3] * y[yo + j + 3];
        }
        for (; j < m; j++) s0 += x[xo + j] * y[yo + j];
        return (s0 + s1) + (s2 + s3);
    }

    private void validate(double[] utility, double[] logPrior, double beta) {
        if (utility == null || utility.length != n * m)
            throw new IllegalArgumentException("utility: expected " + n + "x" + m + " values, got " + (utility == null ? "null" : utility.length));
        if (logPrior == null || logPrior.length != rows * m)
            throw new IllegalArgumentException("logPrior: expected " + rows + "x" + m + " values, got " + (logPrior == null ? "null" : logPrior.length));
        if (!(beta > 0)) throw new IllegalArgumentException("beta: must be > 0 (or +infinity), got " + beta);
        for (int x = 0; x < utility.length; x++)
            if (!(utility[x] >= 0) || Double.isInfinite(utility[x]))
                throw new IllegalArgumentException("utility: entry (" + x / m + "," + x % m + ") must be finite and >= 0, got " + utility[x]);
        // row by row (cache friendly); a column without any finite entry is named
        Arrays.fill(colSum, 0);
        for (int p = 0; p < rows; p++)
            for (int j = 0; j < m; j++) {
                double v = logPrior[p * m + j];
                if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY)
                    throw new IllegalArgumentException("logPrior: entry (" + p + "," + j + ") is " + v);
                if (v != Double.NEGATIVE_INFINITY) colSum[j] = 1;
            }
        for (int j = 0; j < m; j++)
            if (colSum[j] == 0) throw new IllegalArgumentException("logPrior: column " + j + " has no finite entry");
    }
}
