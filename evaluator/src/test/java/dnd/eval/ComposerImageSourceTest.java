package dnd.eval;

import dnd.proto.ComposeRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ComposerImageSourceTest {

    @Test
    void requestCarriesEverySamplerSettingAndThePlayers() {
        ComposeJob job = new ComposeJob("dnd", Map.of("beta", "4"),
                List.of(new PromptPlayer("apparel", "trouser", Optional.of("red")), new PromptPlayer("footwear", "sneaker", Optional.empty())),
                new SamplerSettings(20, 2.5, 1, 0.75), 42, 3);
        ComposeRequest r = ComposerImageSource.request(job);
        assertEquals("dnd", r.getMethod());
        assertEquals("4", r.getOptionsOrThrow("beta"));
        assertEquals(20, r.getSteps());
        assertEquals(2.5, r.getGuidanceScale());
        assertEquals(1.0, r.getX0Clip());
        assertEquals(0.75, r.getEta());
        assertEquals(42, r.getSeed());
        assertEquals(3, r.getImages());
        assertEquals(List.of("apparel", "footwear"), r.getPlayersList().stream().map(p -> p.getModel()).toList());
    }

    @Test
    void etaOutsideZeroToOneIsRejectedWithTheFlagName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplerSettings(0, 0, 1, 1.5));
        assertTrue(e.getMessage().contains("--eta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SamplerSettings(0, 0, 1, -0.1));
        assertEquals(1.0, SamplerSettings.DEFAULT.eta());
    }
}
