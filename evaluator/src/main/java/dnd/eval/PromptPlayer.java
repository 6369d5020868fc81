package dnd.eval;

import java.util.Optional;

/** One player of a prompt: which model plays which item, in which colour. */
public record PromptPlayer(String model, String item, Optional<String> colour) {

    public PromptPlayer {
        if (model == null || model.isBlank() || item == null || item.isBlank())
            throw new IllegalArgumentException("prompt player: model and item are required");
        colour = colour == null ? Optional.empty() : colour;
    }

    /** The concept as the Composer API takes it: "item" or "colour item". */
    public String concept() { return colour.map(c -> c + " " + item).orElse(item); }

    /** What the evaluator must find for this player; the colour only when the task checks it. */
    public Requirement requirement(boolean checkColour) {
        return new Requirement(ClassNames.normalise(item), checkColour ? colour : Optional.empty());
    }
}
