package dnd.node.backend;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.NoopTranslator;
import dnd.common.model.Concept;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.node.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The TorchScript backend against the fixture model, checked against direct DJL calls and finite differences. */
class TorchScriptDenoiserTest {

    static TorchScriptDenoiser denoiser;
    static ModelCard card;

    @BeforeAll
    static void load() {
        denoiser = TorchScriptDenoiser.load(Fixtures.fixtureModel(), 8, 1);
        card = denoiser.card();
    }

    @AfterAll
    static void close() { denoiser.close(); }

    static FloatTensor randn(long seed, int... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            t.data()[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return t;
    }

    long[][] contexts() {
        return new long[][]{card.contextFor(new Concept("trouser", Optional.of("red"))), card.nullContext(),
                card.contextFor(new Concept("bag", Optional.empty()))};
    }

    @Test
    void cardComesFromModelJsonWithTheFileChecksum() throws Exception {
        Path pt = Fixtures.fixtureModel().resolve("model.pt");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(pt)));
        assertEquals(sha, card.sha256());
        assertEquals("fixture", card.name());
        assertArrayEquals(new int[]{3, 32, 32}, card.latentShape());
        assertArrayEquals(new int[]{8, 8}, card.attentionShape());
        assertEquals(4, card.contextLength());
        assertEquals("torchscript", card.backend());
        assertFalse(card.synthetic());
        assertTrue(card.description().startsWith("TEST FIXTURE"), card.description());
        assertEquals(List.of("trouser", "bag"), card.items());
        assertEquals(3L, card.tokens().get("trouser"));
        assertEquals(8, card.maxBatch());
    }

    @Test
    void forwardEqualsDirectDjlPredictorAndIsDeterministic() throws Exception {
        FloatTensor x = randn(1, 3, 3, 32, 32);
        long[] t = {10, 500, 999};
        long[][] tok = contexts();
        Denoiser.Forward a = denoiser.forward(x, t, tok);
        Denoiser.Forward b = denoiser.forward(x, t, tok);
        assertArrayEquals(a.eps().data(), b.eps().data(), "same inputs must give the same bits");
        assertArrayEquals(a.attention().data(), b.attention().data());
        assertArrayEquals(new int[]{3, 4, 8, 8}, a.attention().shape());

        try (Model m = Model.newInstance("direct", Device.cpu(), "PyTorch")) {
            m.load(Fixtures.fixtureModel(), "model");
            try (Predictor<NDList, NDList> p = m.newPredictor(new NoopTranslator()); NDManager mgr = NDManager.newBaseManager()) {
                long[] flat = new long[12];
                for (int i = 0; i < 3; i++) System.arraycopy(tok[i], 0, flat, 4 * i, 4);
                NDList out = p.predict(new NDList(mgr.create(x.data(), new Shape(3, 3, 32, 32)), mgr.create(t), mgr.create(flat, new Shape(3, 4))));
                assertClose(out.get(0).toFloatArray(), a.eps().data(), 2e-5, "eps");
                assertClose(out.get(1).toFloatArray(), a.attention().data(), 2e-6, "attention");
            }
        }
        // attention is a softmax over the L context positions at every pixel
        float[] at = a.attention().data();
        for (int bb = 0; bb < 3; bb++)
            for (int p = 0; p < 64; p++) {
                double s = 0;
                for (int l = 0; l < 4; l++) s += at[(bb * 4 + l) * 64 + p];
                assertEquals(1.0, s, 1e-4);
            }
        // conditioning matters: the item context changes eps
        Denoiser.Forward uncond = denoiser.forward(x, t, new long[][]{card.nullContext(), card.nullContext(), card.nullContext()});
        assertFalse(java.util.Arrays.equals(uncond.eps().item(0).data(), a.eps().item(0).data()));
        assertArrayEquals(uncond.eps().item(1).data(), a.eps().item(1).data(), "row 1 had the null context in both calls");
    }

    @Test
    void utilityGradEqualsDirectCallAndTheUtilityOfTheForwardMaps() {
        FloatTensor x = randn(2, 3, 3, 32, 32);
        long[] t = {50, 400, 800};
        long[][] tok = contexts();
        FloatTensor w = randn(3, 3, 4, 8, 8);
        Denoiser.UtilityGradient g = denoiser.utilityGrad(x, t, tok, w);
        Denoiser.UtilityGradient again = denoiser.utilityGrad(x, t, tok, w);
        assertArrayEquals(g.grad().data(), again.grad().data(), "deterministic");
        assertFalse(JniUtils.isGradMode(), "grad mode must be reset after utility_grad");

        // u = sum(w * A / sum_pixels A) from the forward maps
        float[] a = denoiser.forward(x, t, tok).attention().data();
        for (int b = 0; b < 3; b++) {
            double u = 0;
            for (int l = 0; l < 4; l++) {
                double s = 0;
                for (int p = 0; p < 64; p++) s += a[(b * 4 + l) * 64 + p];
                for (int p = 0; p < 64; p++) u += w.data()[(b * 4 + l) * 64 + p] * a[(b * 4 + l) * 64 + p] / (s + 1e-12);
            }
            assertEquals(u, g.utility()[b], 1e-4 * Math.max(1, Math.abs(u)));
        }

        // the exported method called directly through DJL
        try (Model m = Model.newInstance("direct-grad", Device.cpu(), "PyTorch")) {
            m.load(Fixtures.fixtureModel(), "model", Map.of("trainParam", "true"));
            m.getBlock().freezeParameters(true);
            try (NDManager mgr = NDManager.newBaseManager()) {
                long[] flat = new long[12];
                for (int i = 0; i < 3; i++) System.arraycopy(tok[i], 0, flat, 4 * i, 4);
                NDArray method = mgr.create(0f);
                method.setName("module_method:utility_grad");
                NDList out;
                try {
                    out = IValueUtils.forward((PtSymbolBlock) m.getBlock(), new NDList(mgr.create(x.data(), new Shape(3, 3, 32, 32)),
                            mgr.create(t), mgr.create(flat, new Shape(3, 4)), mgr.create(w.data(), new Shape(3, 4, 8, 8)), method), true);
                } finally {
                    JniUtils.setGradMode(false);
                }
                assertClose(out.get(0).toFloatArray(), g.utility(), 1e-6, "utility");
                assertClose(out.get(1).toFloatArray(), g.grad().data(), 1e-6, "grad");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void vjpMatchesFiniteDifferencesOfTheUtility() {
        FloatTensor x = randn(4, 2, 3, 32, 32);
        long[] t = {300, 300};
        long[][] tok = {contexts()[0], contexts()[2]};
        FloatTensor w = randn(5, 2, 4, 8, 8);
        FloatTensor dir = randn(6, 2, 3, 32, 32);
        Denoiser.UtilityGradient g = denoiser.utilityGrad(x, t, tok, w);
        double h = 1e-2;
        float[] up = utility(shift(x, dir, h), t, tok, w), down = utility(shift(x, dir, -h), t, tok, w);
        for (int b = 0; b < 2; b++) {
            double fd = (up[b] - down[b]) / (2 * h);
            double an = 0;
            for (int i = 0; i < 3 * 32 * 32; i++) an += g.grad().data()[b * 3072 + i] * dir.data()[b * 3072 + i];
            assertTrue(Math.abs(an) > 1e-4, "the gradient must not vanish: " + an);
            assertEquals(an, fd, 0.05 * (Math.abs(an) + Math.abs(fd)), "item " + b);
        }
    }

    private float[] utility(FloatTensor x, long[] t, long[][] tok, FloatTensor w) {
        return denoiser.utilityGrad(x, t, tok, w).utility();
    }

    private static FloatTensor shift(FloatTensor x, FloatTensor d, double h) {
        float[] out = new float[x.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) (x.data()[i] + h * d.data()[i]);
        return new FloatTensor(x.shape().clone(), out);
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        assertTrue(worst <= tol, what + ": max abs difference " + worst + " > " + tol);
    }
}
