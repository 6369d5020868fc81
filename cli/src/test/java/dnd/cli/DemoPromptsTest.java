package dnd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.proto.ModelCard;
import dnd.proto.ModelInfo;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoPromptsTest {

    private static ModelInfo model(String name, String... items) {
        return ModelInfo.newBuilder().setCard(ModelCard.newBuilder().setName(name).addAllItems(List.of(items))
                .addAllColours(List.of("red", "green", "blue", "yellow"))).build();
    }

    @Test
    void promptsPairDifferentSpecialistsAndDoNotRepeat() {
        var prompts = DemoPrompts.make(List.of(model("apparel", "trouser", "dress"), model("footwear", "sneaker", "ankle boot"),
                model("accessories", "bag", "sandal")), 4);
        assertEquals(4, prompts.size());
        for (var p : prompts) assertNotEquals(p.players().get(0).getModel(), p.players().get(1).getModel(), p.label());
        assertEquals(4, new HashSet<>(prompts.stream().map(DemoPrompts.Prompt::label).toList()).size(), "four different prompts");
        assertTrue(prompts.get(3).players().get(0).getConcept().startsWith("red "), "the last prompt binds colours: " + prompts.get(3).label());
    }

    @Test
    void oneModelPlaysTwoDifferentItems() {
        var prompts = DemoPrompts.make(List.of(model("fixture", "trouser", "bag")), 2);
        for (var p : prompts) assertNotEquals(p.players().get(0).getConcept().replace("red ", ""), p.players().get(1).getConcept().replace("blue ", ""));
    }
}
