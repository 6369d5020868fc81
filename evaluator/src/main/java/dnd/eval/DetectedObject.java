package dnd.eval;

import java.util.Optional;

/**
 * One object found on a canvas: its class (empty when the classifier's top probability is below
 * the finder's min_class_prob), that probability, its colour name and its foreground pixel count.
 */
public record DetectedObject(Optional<String> item, double probability, String colour, int pixels) {

    public DetectedObject {
        if (item == null || colour == null) throw new IllegalArgumentException("detected object: item (may be empty) and colour are required");
    }
}
