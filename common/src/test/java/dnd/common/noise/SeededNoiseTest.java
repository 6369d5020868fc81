package dnd.common.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeededNoiseTest {

    @Test
    void sameSeedAndStepGiveTheSameBitsInAnyOrder() {
        SeededNoise a = new SeededNoise(7), b = new SeededNoise(7);
        float[] whole = a.gaussian(3, 1001);
        for (int e = 1000; e >= 0; e -= 7) assertEquals(whole[e], (float) b.normal(3, e), "element " + e);
        assertArrayEquals(whole, b.gaussian(3, 1001));
        // a prefix of a longer draw is the shorter draw: the value depends on the element, not the length
        assertArrayEquals(Arrays.copyOf(whole, 10), a.gaussian(3, 10));
    }

    @Test
    void anotherSeedOrStepGivesOtherNoise() {
        float[] base = new SeededNoise(7).gaussian(3, 512);
        float[] otherSeed = new SeededNoise(8).gaussian(3, 512);
        float[] otherStep = new SeededNoise(7).gaussian(4, 512);
        float[] initial = new SeededNoise(7).initialLatent(512);
        assertTrue(correlation(base, otherSeed) < 0.15, "seed 7 vs 8 correlate");
        assertTrue(correlation(base, otherStep) < 0.15, "step 3 vs 4 correlate");
        assertTrue(correlation(base, initial) < 0.15, "step 3 vs initial correlate");
        int equal = 0;
        for (int i = 0; i < 512; i++) if (base[i] == otherSeed[i]) equal++;
        assertEquals(0, equal);
    }

    @Test
    void valuesAreStandardNormal() {
        SeededNoise n = new SeededNoise(42);
        int count = 200_000;
        float[] z = n.gaussian(0, count);
        double mean = 0, var = 0, kurt = 0;
        for (float v : z) mean += v;
        mean /= count;
        for (float v : z) { double c = v - mean; var += c * c; kurt += c * c * c * c; }
        var /= count;
        kurt = kurt / count / (var * var);
        assertEquals(0, mean, 0.01);
        assertEquals(1, var, 0.01);
        assertEquals(3, kurt, 0.05);
        // the two halves of a Box-Muller pair are uncorrelated
        double cross = 0;
        for (int i = 0; i + 1 < count; i += 2) cross += z[i] * z[i + 1];
        assertEquals(0, cross / (count / 2.0), 0.01);
        double u = 0;
        for (int i = 0; i < 10_000; i++) { double v = n.uniform(1, i); assertTrue(v >= 0 && v < 1); u += v; }
        assertEquals(0.5, u / 10_000, 0.01);
    }

    private static double correlation(float[] a, float[] b) {
        double s = 0, sa = 0, sb = 0;
        for (int i = 0; i < a.length; i++) { s += a[i] * b[i]; sa += a[i] * a[i]; sb += b[i] * b[i]; }
        return Math.abs(s / Math.sqrt(sa * sb));
    }
}
