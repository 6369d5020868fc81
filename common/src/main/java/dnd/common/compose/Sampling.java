package dnd.common.compose;

import dnd.common.model.ModelCard;
import dnd.common.noise.SeededNoise;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import java.util.Arrays;
import java.util.List;

/**
 * What every method shares for one job: the players' schedules on one timestep grid, the CFG
 * scales, the DDIM(eta) means (spec 1.5) and the job's seeded noise (one shared z per step, none
 * after the last step). Means are formed per player with the player's own schedule, so blending
 * means is right even when schedules differ; the grid and the noise scale come from player 0.
 */
final class Sampling {

    final List<PlayerSpec> players;
    final SamplerConfig cfg;
    final int n, c, h, w, m, d;
    final long[] grid;
    final NoiseSchedule[] schedules;
    final double[] omega;
    final SeededNoise noise;

    Sampling(List<PlayerSpec> players, SamplerConfig cfg) {
        if (players == null || players.isEmpty()) throw new IllegalArgumentException("players: at least one player is required");
        if (cfg == null) throw new IllegalArgumentException("sampler config is required");
        this.players = List.copyOf(players);
        this.cfg = cfg;
        this.n = players.size();
        ModelCard first = players.get(0).card();
        int[] shape = first.latentShape();
        for (PlayerSpec p : players) {
            if (!Arrays.equals(p.card().latentShape(), shape))
                throw new IllegalArgumentException("players: " + p.label() + " has latent shape " + Arrays.toString(p.card().latentShape())
                        + " but " + players.get(0).label() + " has " + Arrays.toString(shape) + "; composed models must share the latent space");
            if (p.card().schedule().trainSteps() != first.schedule().trainSteps())
                throw new IllegalArgumentException("players: " + p.label() + " has " + p.card().schedule().trainSteps()
                        + " training steps, " + players.get(0).label() + " has " + first.schedule().trainSteps() + "; they must share the timestep grid");
        }
        this.c = shape[0]; this.h = shape[1]; this.w = shape[2];
        this.m = h * w;
        this.d = c * m;
        this.schedules = new NoiseSchedule[n];
        this.omega = new double[n];
        for (int i = 0; i < n; i++) {
            schedules[i] = NoiseSchedule.of(players.get(i).card().schedule());
            omega[i] = cfg.guidanceScale() > 0 ? cfg.guidanceScale() : players.get(i).card().guidanceScale();
        }
        if (cfg.steps() > schedules[0].trainSteps())
            throw new IllegalArgumentException("steps: " + cfg.steps() + " exceeds the models' " + schedules[0].trainSteps() + " training steps");
        this.grid = schedules[0].grid(cfg.steps());
        this.noise = new SeededNoise(cfg.seed());
    }

    int steps() { return grid.length; }

    long t(int k) { return grid[k]; }

    long s(int k) { return NoiseSchedule.previous(grid, k); }

    boolean last(int k) { return k == grid.length - 1; }

    int[] latentShape() { return new int[]{c, h, w}; }

    float[] initialLatent() { return noise.initialLatent(d); }

    /** eps_u + omega (eps_c - eps_u) of player i at step k on input x, x0-hat clipped when configured. */
    float[] guidedEps(int i, int k, float[] x, Composition.PlayerOutput out) {
        float[] ec = out.epsCond().data(), eu = out.epsUncond().data();
        float[] e = new float[d];
        double om = omega[i];
        for (int j = 0; j < d; j++) e[j] = (float) (eu[j] + om * (ec[j] - eu[j]));
        return clipped(i, k, x, e);
    }

    /**
     * eps re-derived from the clipped x0-hat: x0 = (x - sqrt(1-ab) eps) / sqrt(ab), clamped to
     * [-c, c], then eps' = (x - sqrt(ab) x0) / sqrt(1-ab). Unchanged (same array) when clipping is off.
     */
    float[] clipped(int i, int k, float[] x, float[] eps) {
        double c = cfg.x0Clip();
        if (c <= 0) return eps;
        double ab = schedules[i].alphaBar(t(k)), kt = Math.sqrt(ab), nt = Math.sqrt(1 - ab);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            double x0 = (x[j] - nt * eps[j]) / kt;
            double x0c = Math.max(-c, Math.min(c, x0));
            out[j] = x0c == x0 ? eps[j] : (float) ((x[j] - kt * x0c) / nt);
        }
        return out;
    }

    /** (A, B) of player i at step k: mean = A x + B eps. */
    double[] coefficients(int i, int k) { return schedules[i].ddimCoefficients(t(k), s(k), cfg.eta()); }

    /** Player i's DDIM(eta) mean at step k, in double. */
    double[] mean(int i, int k, float[] x, float[] eps) {
        double[] ab = coefficients(i, k);
        double[] mu = new double[d];
        for (int e = 0; e < d; e++) mu[e] = ab[0] * x[e] + ab[1] * eps[e];
        return mu;
    }

    /** The DDIM noise scale of step k (player 0's schedule). */
    double sigma(int k) { return schedules[0].ddimSigma(t(k), s(k), cfg.eta()); }

    /** The DDPM posterior standard deviation of step k (the default guidance scale's sigma). */
    double ddpmSigma(int k) { return schedules[0].ddpmSigma(t(k), s(k)); }

    /** x_s = mu + sigma_k z(seed, k), without noise after the last step. */
    float[] sample(int k, double[] mu) {
        float[] x = new float[d];
        double sigma = last(k) ? 0 : sigma(k);
        if (sigma > 0) {
            float[] z = noise.gaussian(k, d);
            for (int e = 0; e < d; e++) x[e] = (float) (mu[e] + sigma * z[e]);
        } else {
            for (int e = 0; e < d; e++) x[e] = (float) mu[e];
        }
        return x;
    }

    /**
     * The x0-hat a step aimed at, from the latent before it (x at t_k) and after it: the step's
     * mean is A x + B eps_eff (player 0's DDIM coefficients), so eps_eff = (after - A x) / B and
     * x0 = (x - sqrt(1-ab_t) eps_eff) / sqrt(ab_t). Exact for eta = 0 and a shared latent; with
     * eta > 0 the step's noise passes into the estimate (fine for a preview).
     */
    float[] x0Estimate(int k, float[] before, float[] after) {
        double[] ab = coefficients(0, k);
        if (Math.abs(ab[1]) < 1e-12) return after.clone();   // a step that ignores eps lands on x0 itself
        float[] eps = new float[d];
        for (int e = 0; e < d; e++) eps[e] = (float) ((after[e] - ab[0] * before[e]) / ab[1]);
        return schedules[0].predictX0(before, eps, t(k), 0);
    }

    FloatTensor latent(float[] x) { return new FloatTensor(latentShape(), x); }

    /** Checks one player's output; names the player and the field. */
    void validate(int i, Composition.PlayerOutput out, boolean needsAttention) {
        String who = "output of player " + i + " (" + players.get(i).label() + ")";
        if (out == null) throw new IllegalArgumentException(who + " is missing");
        checkTensor(who + ": epsCond", out.epsCond(), d);
        checkTensor(who + ": epsUncond", out.epsUncond(), d);
        if (needsAttention) {
            int[] as = players.get(i).card().attentionShape();
            checkTensor(who + ": attention", out.attention(), as[0] * as[1]);
        }
    }

    static void checkTensor(String field, FloatTensor t, int size) {
        if (t == null) throw new IllegalArgumentException(field + " is missing");
        if (t.size() != size) throw new IllegalArgumentException(field + " has " + t.size() + " values, expected " + size);
        for (float v : t.data()) if (!Float.isFinite(v)) throw new IllegalArgumentException(field + " contains a non-finite value");
    }
}
