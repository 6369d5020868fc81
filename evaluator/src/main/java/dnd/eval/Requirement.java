package dnd.eval;

import java.util.Optional;

/** What an image must show: an object of class {@code item}, in {@code colour} when one is given. */
public record Requirement(String item, Optional<String> colour) {

    public Requirement {
        if (item == null || item.isBlank()) throw new IllegalArgumentException("requirement: item is required");
        colour = colour == null ? Optional.empty() : colour;
    }

    public boolean matches(DetectedObject o) {
        return o.item().filter(item::equals).isPresent() && (colour.isEmpty() || colour.get().equals(o.colour()));
    }
}
