package dnd.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.proto.ModelCard;
import dnd.proto.Player;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplesAndPlayersTest {

    @Test
    void medianAndQuantilesInterpolateBetweenRanks() {
        assertEquals(2.5, Samples.median(new double[]{4, 1, 3, 2}), 1e-12);
        assertEquals(3, Samples.median(List.of(5.0, 3.0, 1.0)), 1e-12);
        assertEquals(9.1, Samples.quantile(new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 1e-12);
        assertTrue(Double.isNaN(Samples.median(new double[0])));
    }

    @Test
    void playersCycleThroughTheModelsWithAConceptEach() {
        ModelCard a = ModelCard.newBuilder().setName("apparel").addItems("trouser").addItems("dress").build();
        ModelCard f = ModelCard.newBuilder().setName("footwear").addItems("sneaker").build();
        List<Player> ps = Players.pick(List.of(a, f), 3);
        assertEquals(List.of("apparel:trouser", "footwear:sneaker", "apparel:dress"), ps.stream().map(p -> p.getModel() + ":" + p.getConcept()).toList());
        assertEquals("apparel:trouser + footwear:sneaker + apparel:dress", Players.label(ps));
    }

    @Test
    void methodOptionsAreKeyValuePairs() {
        assertEquals(Map.of("gamma", "1", "fairness", "envy-free"), Options.parse(List.of("gamma=1", " fairness = envy-free")));
        try {
            Options.parse(List.of("gamma"));
            throw new AssertionError("no '=' must be refused");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("--option"), e.getMessage());
        }
    }
}
