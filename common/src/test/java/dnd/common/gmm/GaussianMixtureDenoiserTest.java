package dnd.common.gmm;

import static org.junit.jupiter.api.Assertions.*;

import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.noise.SeededNoise;
import dnd.common.tensor.FloatTensor;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GaussianMixtureDenoiserTest {

    private final GaussianMixtureDenoiser gmm = new GaussianMixtureDenoiser(GmmSpec.withShape("toy", 8, 8, 4, 4));
    private final ModelCard card = gmm.card();
    private final int d = card.latentSize();

    private double[] point(long seed, long t) {
        // a noised sample of one component, so responsibilities are neither uniform nor one-hot
        float[] z = new SeededNoise(seed).gaussian(0, d);
        double ab = gmm.card().schedule() == null ? 0 : dnd.common.schedule.NoiseSchedule.of(card.schedule()).alphaBar(t);
        double[] x = new double[d];
        for (int k = 0; k < d; k++) x[k] = Math.sqrt(ab) * (k % 7 == 0 ? 0.5 : -0.8) + Math.sqrt(1 - ab) * z[k];
        return x;
    }

    @Test
    void epsIsMinusNuTimesTheScoreOfTheNoisedMixture() {
        long[][] contexts = {card.contextFor(Concept.parse("left", card.colours())),
                card.contextFor(Concept.parse("red dot", card.colours())), card.nullContext()};
        for (long t : new long[]{50, 400, 900}) {
            for (long[] ctx : contexts) {
                double[] x = point(t, t);
                float[] xf = new float[d];
                for (int k = 0; k < d; k++) xf[k] = (float) x[k];
                for (int k = 0; k < d; k++) x[k] = xf[k];   // evaluate both at the float point
                float[] eps = gmm.forward(new FloatTensor(new int[]{1, 3, 8, 8}, xf), new long[]{t}, new long[][]{ctx}).eps().data();
                double ab = dnd.common.schedule.NoiseSchedule.of(card.schedule()).alphaBar(t);
                double nu = Math.sqrt(1 - ab);
                double h = 1e-4, maxErr = 0, maxAbs = 0;
                for (int k = 0; k < d; k += 5) {
                    double[] xp = x.clone(), xm = x.clone();
                    xp[k] += h; xm[k] -= h;
                    double fd = (gmm.logDensity(xp, t, ctx) - gmm.logDensity(xm, t, ctx)) / (2 * h);
                    maxErr = Math.max(maxErr, Math.abs(-nu * fd - eps[k]));
                    maxAbs = Math.max(maxAbs, Math.abs(eps[k]));
                }
                assertTrue(maxAbs > 0.05, "eps is trivially small");
                assertTrue(maxErr < 2e-4 * Math.max(1, maxAbs), "t=" + t + " eps vs -nu*grad log p: " + maxErr);
            }
        }
    }

    @Test
    void attentionMapsSumToOneOverTokensAndLocaliseTheItem() {
        long[] left = card.contextFor(Concept.parse("left", card.colours()));
        long[] right = card.contextFor(Concept.parse("right", card.colours()));
        float[] x = new SeededNoise(3).gaussian(0, d);
        Denoiser.Forward f = gmm.forward(new FloatTensor(new int[]{2, 3, 8, 8}, concat(x, x)), new long[]{500, 500}, new long[][]{left, right});
        float[] attn = f.attention().data();
        int hw = 16, l = card.contextLength();
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < hw; j++) {
                double s = 0;
                for (int pos = 0; pos < l; pos++) s += attn[(b * l + pos) * hw + j];
                assertEquals(1, s, 1e-6);
            }
        // the "left" item's map has more mass in the left half than the "right" item's map
        double leftMass = 0, rightMass = 0;
        for (int y = 0; y < 4; y++) for (int xx = 0; xx < 2; xx++) {
            leftMass += attn[(0 * l + 1) * hw + y * 4 + xx];
            rightMass += attn[(1 * l + 1) * hw + y * 4 + xx];
        }
        assertTrue(leftMass > 2 * rightMass, "left " + leftMass + " right " + rightMass);
    }

    @Test
    void utilityGradientMatchesFiniteDifferences() {
        long[] ctx = card.contextFor(new Concept("dot", Optional.of("green")));
        int l = card.contextLength(), hw = 16;
        double[] w = new double[l * hw];
        SeededNoise n = new SeededNoise(11);
        for (int k = 0; k < w.length; k++) w[k] = n.normal(5, k);
        for (long t : new long[]{100, 600}) {
            double[] x = point(t + 1, t);
            double[] g = new double[d], scratch = new double[d];
            gmm.utilityAndGradient(x, t, ctx, w, g, "ctx");
            double h = 1e-5, maxErr = 0, maxG = 0;
            for (int k = 0; k < d; k++) {
                double[] xp = x.clone(), xm = x.clone();
                xp[k] += h; xm[k] -= h;
                double fd = (gmm.utilityAndGradient(xp, t, ctx, w, scratch, "ctx") - gmm.utilityAndGradient(xm, t, ctx, w, scratch, "ctx")) / (2 * h);
                maxErr = Math.max(maxErr, Math.abs(fd - g[k]));
                maxG = Math.max(maxG, Math.abs(g[k]));
            }
            assertTrue(maxG > 1e-4, "gradient is trivially small: " + maxG);
            assertTrue(maxErr < 1e-6 * Math.max(1, maxG) + 1e-7, "t=" + t + " VJP vs FD " + maxErr + " (max |g| " + maxG + ")");
        }
        // the float API agrees with the double path
        float[] xf = new float[d];
        double[] x = point(9, 300);
        for (int k = 0; k < d; k++) { xf[k] = (float) x[k]; x[k] = xf[k]; }
        float[] wf = new float[w.length];
        for (int k = 0; k < w.length; k++) { wf[k] = (float) w[k]; w[k] = wf[k]; }
        Denoiser.UtilityGradient ug = gmm.utilityGrad(new FloatTensor(new int[]{1, 3, 8, 8}, xf), new long[]{300}, new long[][]{ctx},
                new FloatTensor(new int[]{1, l, 4, 4}, wf));
        double[] g = new double[d];
        double u = gmm.utilityAndGradient(x, 300, ctx, w, g, "ctx");
        assertEquals(u, ug.utility()[0], 1e-5);
        for (int k = 0; k < d; k++) assertEquals(g[k], ug.grad().data()[k], 1e-5 * Math.max(1, Math.abs(g[k])));
    }

    @Test
    void badInputIsRejectedNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> gmm.forward(FloatTensor.zeros(1, 3, 4, 4), new long[]{1}, new long[][]{card.nullContext()}));
        assertTrue(e.getMessage().startsWith("x:"), e.getMessage());
        long[] bad = card.nullContext();
        bad[1] = 999;
        e = assertThrows(IllegalArgumentException.class, () -> gmm.forward(FloatTensor.zeros(1, 3, 8, 8), new long[]{1}, new long[][]{bad}));
        assertTrue(e.getMessage().contains("tokens[0]") && e.getMessage().contains("999"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gmm.forward(FloatTensor.zeros(1, 3, 8, 8), new long[]{1000}, new long[][]{card.nullContext()}));
        assertTrue(e.getMessage().startsWith("t:"), e.getMessage());
    }

    @Test
    void deterministic() {
        float[] x = new SeededNoise(1).gaussian(0, d);
        long[][] ctx = {card.contextFor(Concept.parse("blue right", card.colours()))};
        var a = gmm.forward(new FloatTensor(new int[]{1, 3, 8, 8}, x.clone()), new long[]{700}, ctx);
        var b = new GaussianMixtureDenoiser(GmmSpec.withShape("toy", 8, 8, 4, 4)).forward(new FloatTensor(new int[]{1, 3, 8, 8}, x.clone()), new long[]{700}, ctx);
        assertEquals(a.eps(), b.eps());
        assertEquals(a.attention(), b.attention());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] o = new float[a.length + b.length];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
