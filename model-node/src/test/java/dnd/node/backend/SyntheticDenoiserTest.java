package dnd.node.backend;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticDenoiserTest {

    @Test
    void specParsesWithDefaultsAndRejectsNonsenseNamingTheKey() {
        SyntheticSpec s = SyntheticSpec.parse("shape=4x64x64,cost=20ms");
        assertArrayEquals(new int[]{4, 64, 64}, s.latentShape());
        assertArrayEquals(new int[]{16, 16}, s.attentionShape());
        assertEquals(20.0, s.costMs());
        assertEquals(0.0, s.perItemMs());
        assertEquals(0.5, SyntheticSpec.parse("per-item=500us").perItemMs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticSpec.parse("shape=4x64")).getMessage().contains("shape"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticSpec.parse("cost=fast")).getMessage().contains("cost"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticSpec.parse("speed=1")).getMessage().contains("speed"));
    }

    @Test
    void cardSaysSynthetic() {
        ModelCard c = new SyntheticDenoiser(SyntheticSpec.parse("shape=4x16x16,cost=0ms"), 8).card();
        assertTrue(c.synthetic());
        assertEquals("synthetic", c.backend());
        assertTrue(c.description().startsWith("SYNTHETIC"));
        assertEquals(64, c.sha256().length());
        assertNotEquals(c.sha256(), new SyntheticDenoiser(SyntheticSpec.parse("shape=4x16x16,cost=1ms"), 8).card().sha256());
    }

    @Test
    void outputsAreDeterministicNormalisedAndConsistentWithTheUtility() {
        SyntheticDenoiser d = new SyntheticDenoiser(SyntheticSpec.parse("shape=2x8x8,attention=4x4,context=4,cost=0ms"), 8);
        ModelCard card = d.card();
        FloatTensor x = FloatTensor.zeros(2, 2, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.sin(i);
        long[][] tok = {card.contextFor(dnd.common.model.Concept.parse("red star", card.colours())), card.nullContext()};
        Denoiser.Forward f = d.forward(x, new long[]{700, 10}, tok);
        assertEquals(f.eps(), d.forward(x, new long[]{700, 10}, tok).eps());
        double nu = Math.sqrt(1 - NoiseSchedule.of(card.schedule()).alphaBar(700));
        assertEquals((float) (nu * x.data()[5] + 0.05 * nu * Math.sin(0.05 + tok[0][1])), f.eps().data()[5]);
        double nu10 = Math.sqrt(1 - NoiseSchedule.of(card.schedule()).alphaBar(10));
        assertEquals((float) (nu10 * x.data()[128 + 77] + 0.05 * nu10 * Math.sin(0.77 + tok[1][1])), f.eps().data()[128 + 77], "row 1: its own item token");
        // the kept maps are the softmax of 2 cos(0.3 p + 0.7 k + token_k) over k, per row
        for (int b = 0; b < 2; b++) {
            int p = 7;
            double z = 0;
            for (int k = 0; k < 4; k++) z += Math.exp(2 * Math.cos(0.3 * p + 0.7 * k + tok[b][k]));
            for (int k = 0; k < 4; k++)
                assertEquals(Math.exp(2 * Math.cos(0.3 * p + 0.7 * k + tok[b][k])) / z, f.attention().data()[(b * 4 + k) * 16 + p], 1e-6);
        }
        for (int b = 0; b < 2; b++)
            for (int p = 0; p < 16; p++) {
                double s = 0;
                for (int l = 0; l < 4; l++) s += f.attention().data()[(b * 4 + l) * 16 + p];
                assertEquals(1.0, s, 1e-6);
            }
        FloatTensor w = FloatTensor.zeros(2, 4, 4, 4);
        w.data()[16 + 3] = 1; // item position, pixel 3 of latent 0
        Denoiser.UtilityGradient g = d.utilityGrad(x, new long[]{700, 10}, tok, w);
        double norm = 0;
        for (int p = 0; p < 16; p++) norm += f.attention().data()[16 + p];
        assertEquals(f.attention().data()[16 + 3] / norm, g.utility()[0], 1e-6);
        assertEquals(0f, g.utility()[1]);
        assertEquals(FloatTensor.zeros(2, 2, 8, 8), g.grad(), "maps do not depend on x");
    }

    @Test
    void aCallTakesAtLeastItsCost() {
        SyntheticDenoiser d = new SyntheticDenoiser(SyntheticSpec.parse("shape=1x4x4,attention=2x2,context=3,cost=30ms,per-item=5ms"), 8);
        long start = System.nanoTime();
        d.forward(FloatTensor.zeros(4, 1, 4, 4), new long[4], new long[][]{d.card().nullContext(), d.card().nullContext(), d.card().nullContext(), d.card().nullContext()});
        assertTrue(System.nanoTime() - start >= 50_000_000L, "cost 30 ms + 4 x 5 ms per item");
    }
}
