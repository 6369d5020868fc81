package dnd.common.noise;

/**
 * A counter-based Gaussian generator: the value at (seed, step, element) is a pure function of
 * those three numbers, so any process, in any call order, on any replica, draws the same bits.
 *
 * <p>Element pair p = element / 2 is hashed with chained SplitMix64 finalisers into two 53-bit
 * uniforms, which Box-Muller turns into the normals of elements 2p and 2p+1. StrictMath keeps the
 * transcendental functions bit-identical across JVMs and CPUs.
 *
 * <p>Step keys: denoising steps use their 0-based index k; {@link #INITIAL} keys the initial
 * latent x_T and {@link #AUXILIARY} keys per-job auxiliary draws (e.g. a bootstrapping canvas
 * colour), so they never collide with a step's noise.
 */
public final class SeededNoise {

    /** Step key of the initial latent. */
    public static final long INITIAL = Long.MIN_VALUE;
    /** Step key of auxiliary per-job draws. */
    public static final long AUXILIARY = Long.MIN_VALUE + 1;

    private static final double TWO_POW_M53 = 0x1.0p-53;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;

    public SeededNoise(long seed) {
        this.seed = seed;
    }

    public long seed() { return seed; }

    /** Standard normal value of one element. */
    public double normal(long step, long element) {
        long pair = element >>> 1;
        long h = hash(step, pair);
        double u1 = ((mix(h) >>> 11) + 1) * TWO_POW_M53;       // (0, 1]: log is finite
        double u2 = (mix(h + GOLDEN) >>> 11) * TWO_POW_M53;    // [0, 1)
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        double a = 2 * Math.PI * u2;
        return (element & 1) == 0 ? r * StrictMath.cos(a) : r * StrictMath.sin(a);
    }

    /** Uniform value in [0, 1) of one element (independent of the Gaussian stream at other step keys). */
    public double uniform(long step, long element) {
        return (mix(hash(step, element) ^ 0x5851F42D4C957F2DL) >>> 11) * TWO_POW_M53;
    }

    /** Fills {@code out} with the normals of elements 0..out.length-1 at {@code step}. */
    public void fill(long step, float[] out) {
        int n = out.length;
        for (int p = 0; 2 * p < n; p++) {
            long h = hash(step, p);
            double u1 = ((mix(h) >>> 11) + 1) * TWO_POW_M53;
            double u2 = (mix(h + GOLDEN) >>> 11) * TWO_POW_M53;
            double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
            double a = 2 * Math.PI * u2;
            out[2 * p] = (float) (r * StrictMath.cos(a));
            if (2 * p + 1 < n) out[2 * p + 1] = (float) (r * StrictMath.sin(a));
        }
    }

    /** A fresh array of {@code count} normals at {@code step}. */
    public float[] gaussian(long step, int count) {
        float[] out = new float[count];
        fill(step, out);
        return out;
    }

    /** The initial latent x_T ~ N(0, I). */
    public float[] initialLatent(int count) {
        return gaussian(INITIAL, count);
    }

    private long hash(long step, long counter) {
        long z = mix(seed ^ 0x243F6A8885A308D3L);
        z = mix(z ^ (step * GOLDEN));
        return mix(z ^ (counter * 0xD1B54A32D192ED03L));
    }

    /** SplitMix64 finaliser (Stafford variant 13). */
    static long mix(long z) {
        z += GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
