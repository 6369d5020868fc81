package dnd.common.model;

import java.util.Optional;

/** What a player draws: an item with an optional colour, written "item" or "colour item". */
public record Concept(String item, Optional<String> colour) {

    public Concept {
        if (item == null || item.isBlank()) throw new IllegalArgumentException("concept: item is required");
        colour = colour == null ? Optional.empty() : colour;
    }

    /** Parses "trouser", "red trouser" or "ankle boot" / "red ankle boot" against the model's lists. */
    public static Concept parse(String text, java.util.List<String> colours) {
        String s = text == null ? "" : text.trim().replaceAll("\\s+", " ");
        if (s.isEmpty()) throw new IllegalArgumentException("concept is empty");
        int sp = s.indexOf(' ');
        if (sp > 0 && colours.contains(s.substring(0, sp))) return new Concept(s.substring(sp + 1), Optional.of(s.substring(0, sp)));
        return new Concept(s, Optional.empty());
    }

    @Override
    public String toString() { return colour.map(c -> c + " " + item).orElse(item); }
}
