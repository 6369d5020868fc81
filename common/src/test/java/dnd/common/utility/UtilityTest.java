package dnd.common.utility;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UtilityTest {

    private static double[] random(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextDouble();
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void resizeAndBlurAdjointsAreTransposes() {
        Random r = new Random(1);
        for (int[] s : new int[][]{{4, 4, 16, 16}, {8, 6, 5, 9}, {3, 3, 3, 3}, {1, 2, 7, 3}}) {
            Resize rs = new Resize(s[0], s[1], s[2], s[3]);
            double[] x = random(r, s[0] * s[1]), y = random(r, s[2] * s[3]);
            assertEquals(dot(rs.apply(x), y), dot(x, rs.adjoint(y)), 1e-12);
            Blur b = new Blur(s[2], s[3], 1.0, 2);
            double[] z = random(r, s[2] * s[3]);
            assertEquals(dot(b.apply(y), z), dot(y, b.adjoint(z)), 1e-12);
            double[] ones = new double[s[2] * s[3]];
            java.util.Arrays.fill(ones, 1);
            for (double v : b.apply(ones)) assertEquals(1, v, 1e-12);
        }
        // same size is the identity; a 2x2 upscale of [0 1] matches PyTorch's half-pixel taps
        Resize same = new Resize(3, 3, 3, 3);
        double[] x = random(r, 9);
        assertArrayEquals(x, same.apply(x), 0);
        assertArrayEquals(new double[]{0, 0.25, 0.75, 1}, new Resize(1, 2, 1, 4).apply(new double[]{0, 1}), 1e-15);
    }

    @Test
    void attentionUtilityIsNormalisedAndLocalised() {
        AttentionUtility au = new AttentionUtility(4, 4, 8, 8, false, 1);
        float[] a = new float[16];
        a[0] = 5; // top-left
        for (int j = 1; j < 16; j++) a[j] = 0.1f;
        double[] u = au.evaluate(a).utility();
        assertEquals(1, java.util.Arrays.stream(u).sum(), 1e-12);
        assertTrue(u[0] > 10 * u[63]);
        // sharpening concentrates it further
        double[] sharp = new AttentionUtility(4, 4, 8, 8, true, 3).evaluate(a).utility();
        assertTrue(sharp[0] > u[0]);
        assertEquals(1, java.util.Arrays.stream(sharp).sum(), 1e-12);
        // an all-zero map is uniform, never NaN
        for (double v : au.evaluate(new float[16]).utility()) assertEquals(1.0 / 64, v, 1e-15);
        assertThrows(IllegalArgumentException.class, () -> au.evaluate(new float[15]));
    }

    @Test
    void cotangentIsTheGradientOfTheAllocatedUtility() {
        Random r = new Random(2);
        for (boolean blur : new boolean[]{false, true})
            for (double power : new double[]{1, 2.5}) {
                AttentionUtility au = new AttentionUtility(4, 5, 8, 10, blur, power);
                float[] a = new float[20];
                double s = 0;
                for (int j = 0; j < 20; j++) { a[j] = (float) (0.2 + r.nextDouble()); s += a[j]; }
                for (int j = 0; j < 20; j++) a[j] = (float) (a[j] / s);
                double[] q = random(r, 80);
                AttentionUtility.Evaluation e = au.evaluate(a);
                float[] c = au.cotangent(e, q);
                // the node differentiates through a_hat = a / sum a: d/da = c - <a_hat, c>
                double mean = 0;
                for (int j = 0; j < 20; j++) mean += a[j] * c[j];
                double h = 1e-3;
                for (int j = 0; j < 20; j++) {
                    float[] ap = a.clone(), am = a.clone();
                    ap[j] += (float) h; am[j] -= (float) h;
                    double hp = (double) ap[j] - a[j], hm = a[j] - (double) am[j];
                    double fd = (dot(q, au.evaluate(ap).utility()) - dot(q, au.evaluate(am).utility())) / (hp + hm);
                    assertEquals(c[j] - mean, fd, 1e-4 * Math.max(1, Math.abs(fd)), "blur " + blur + " power " + power + " j " + j);
                }
            }
    }

    @Test
    void scoreUtilityIsTheNormalisedEnergyOfTheGuidanceIncrement() {
        ScoreUtility su = new ScoreUtility(2, 2, 2, false, 100);
        float[] c = {1, 0, 0, 0, 0, 2, 0, 0};
        float[] u0 = new float[8];
        double[] u = su.evaluate(c, u0);
        assertArrayEquals(new double[]{0.2, 0.8, 0, 0}, u, 1e-12);
        for (double v : su.evaluate(u0, u0)) assertEquals(0.25, v, 0);
        // clipping at the 75th percentile (energies 1, 4, 0, 0: nearest rank gives 1) flattens the peak
        assertArrayEquals(new double[]{0.5, 0.5, 0, 0}, new ScoreUtility(2, 2, 2, false, 75).evaluate(c, u0), 1e-12);
        // blur spreads the energy but keeps the sum
        double[] blurred = new ScoreUtility(2, 2, 2, true, 100).evaluate(c, u0);
        assertEquals(1, java.util.Arrays.stream(blurred).sum(), 1e-12);
        assertTrue(blurred[3] > 0);
    }
}
