package dnd.eval;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PromptGeneratorTest {

    static final List<String> PALETTE = List.of("red", "green", "blue", "yellow");
    static final List<Specialist> SHIPPED = List.of(
            new Specialist("apparel", List.of("trouser", "dress"), PALETTE),
            new Specialist("footwear", List.of("sneaker", "ankle boot"), PALETTE),
            new Specialist("accessories", List.of("bag", "sandal"), PALETTE));

    private final PromptGenerator gen = new PromptGenerator(SHIPPED);

    @Test
    void sameSeedGivesSamePromptsAndOtherSeedsDiffer() {
        assertEquals(gen.generate(Task.TWO_OBJECT, 50, 1, false), gen.generate(Task.TWO_OBJECT, 50, 1, false));
        assertNotEquals(gen.generate(Task.TWO_OBJECT, 50, 1, false), gen.generate(Task.TWO_OBJECT, 50, 2, false));
        assertNotEquals(gen.generate(Task.TWO_OBJECT, 50, 1, false), gen.generate(Task.TWO_OBJECT, 50, 1, true));
    }

    @Test
    void playersComeFromDistinctSpecialistsAndColourTaskUsesDistinctColours() {
        for (Task task : Task.values())
            for (Prompt p : gen.generate(task, 200, 7, false)) {
                assertEquals(task.players(), p.players().size());
                assertEquals(task.players(), p.players().stream().map(PromptPlayer::model).distinct().count(), "models of " + p);
                for (PromptPlayer pl : p.players()) {
                    Specialist s = SHIPPED.stream().filter(x -> x.model().equals(pl.model())).findFirst().orElseThrow();
                    assertTrue(s.items().contains(pl.item()), pl.toString());
                    assertTrue(PALETTE.contains(pl.colour().orElseThrow()), pl.toString());
                }
                if (task.checksColour()) {
                    assertEquals(2, p.players().stream().map(PromptPlayer::colour).distinct().count(), "colours of " + p);
                    assertTrue(p.requirements().stream().allMatch(r -> r.colour().isPresent()));
                } else {
                    assertTrue(p.requirements().stream().allMatch(r -> r.colour().isEmpty()));
                }
            }
    }

    @Test
    void promptsCoverAllItemsAndModelPairs() {
        Set<String> items = new HashSet<>(), pairs = new HashSet<>();
        for (Prompt p : gen.generate(Task.TWO_OBJECT, 200, 3, false)) {
            p.players().forEach(pl -> items.add(pl.item()));
            pairs.add(p.players().stream().map(PromptPlayer::model).sorted().toList().toString());
        }
        assertEquals(6, items.size(), items.toString());
        assertEquals(3, pairs.size(), pairs.toString());
    }

    @Test
    void developmentAndReportedImageSeedsAreDisjoint() {
        Set<Long> reported = new HashSet<>(), dev = new HashSet<>();
        for (long seed = 0; seed < 20; seed++)
            for (Task t : Task.values()) {
                for (Prompt p : gen.generate(t, 50, seed, false))
                    for (int i = 0; i < PromptGenerator.MAX_IMAGES_PER_PROMPT; i += 51) reported.add(p.seed() + i);
                for (Prompt p : gen.generate(t, 50, seed, true))
                    for (int i = 0; i < PromptGenerator.MAX_IMAGES_PER_PROMPT; i += 51) dev.add(p.seed() + i);
            }
        assertTrue(reported.stream().allMatch(s -> s >= 0), "seeds are non-negative");
        Set<Long> both = new HashSet<>(reported);
        both.retainAll(dev);
        assertTrue(both.isEmpty(), "shared seeds: " + both);
    }

    @Test
    void tooFewSpecialistsIsAClearError() {
        PromptGenerator two = new PromptGenerator(SHIPPED.subList(0, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> two.generate(Task.THREE_OBJECT, 5, 1, false));
        assertTrue(e.getMessage().contains("three_object") && e.getMessage().contains("3 specialists"), e.getMessage());
    }

    @Test
    void underscoreItemNamesMatchTheClassifierSpelling() {
        PromptPlayer p = new PromptPlayer("footwear", "ankle_boot", java.util.Optional.of("red"));
        assertEquals("ankle boot", p.requirement(true).item());
        assertEquals("red ankle_boot", p.concept());
    }
}
