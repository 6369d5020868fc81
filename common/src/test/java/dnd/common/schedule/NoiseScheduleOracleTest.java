package dnd.common.schedule;

import static org.junit.jupiter.api.Assertions.*;

import dnd.common.model.ScheduleSpec;
import dnd.common.noise.SeededNoise;
import org.junit.jupiter.api.Test;

class NoiseScheduleOracleTest {

    @Test
    void ddimWithEtaOneIsTheDdpmAncestralStep() {
        for (ScheduleSpec spec : new ScheduleSpec[]{ScheduleSpec.linearDefault(), new ScheduleSpec("scaled_linear", 0.00085, 0.012, 1000, "epsilon")}) {
            NoiseSchedule ns = NoiseSchedule.of(spec);
            SeededNoise noise = new SeededNoise(1);
            for (int steps : new int[]{10, 50, 1000}) {
                long[] grid = ns.grid(steps);
                for (int k = 0; k < steps; k += Math.max(1, steps / 7)) {
                    long t = grid[k], s = NoiseSchedule.previous(grid, k);
                    float[] x = noise.gaussian(2L * k, 64), eps = noise.gaussian(2L * k + 1, 64);
                    float[] ddim = ns.ddimMean(x, eps, t, s, 1.0), ddpm = ns.ddpmMean(x, eps, t, s);
                    for (int i = 0; i < 64; i++) assertEquals(ddpm[i], ddim[i], 2e-5 * Math.max(1, Math.abs(ddpm[i])), "t=" + t + " s=" + s);
                    assertEquals(ns.ddpmSigma(t, s), ns.ddimSigma(t, s, 1.0), 1e-12);
                }
            }
            // the grid is diffusers' "leading" spacing with steps_offset 1
            assertArrayEquals(new long[]{901, 801, 701, 601, 501, 401, 301, 201, 101, 1}, ns.grid(10));
        }
    }

    @Test
    void blendingEpsEqualsBlendingMeans() {
        NoiseSchedule ns = NoiseSchedule.of(ScheduleSpec.linearDefault());
        SeededNoise noise = new SeededNoise(2);
        int n = 3, m = 16, c = 2, d = c * m;
        float[] x = noise.gaussian(0, d);
        float[][] eps = new float[n][];
        for (int i = 0; i < n; i++) eps[i] = noise.gaussian(1 + i, d);
        double[][] w = new double[n][m];   // random column-stochastic per-feature weights
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) { w[i][j] = noise.uniform(9, (long) i * m + j); s += w[i][j]; }
            for (int i = 0; i < n; i++) w[i][j] /= s;
        }
        for (double eta : new double[]{0, 0.5, 1}) {
            long t = 501, s = 481;
            double[] meanBlend = new double[d];
            float[] epsBlend = new float[d];
            for (int i = 0; i < n; i++) {
                float[] mu = ns.ddimMean(x, eps[i], t, s, eta);
                for (int e = 0; e < d; e++) {
                    meanBlend[e] += w[i][e % m] * mu[e];
                    epsBlend[e] += (float) (w[i][e % m] * eps[i][e]);
                }
            }
            float[] blended = ns.ddimMean(x, epsBlend, t, s, eta);
            for (int e = 0; e < d; e++) assertEquals(meanBlend[e], blended[e], 1e-5, "eta " + eta);
        }
    }
}
