package dnd.common.compose;

import dnd.common.model.Concept;
import dnd.common.model.ModelCard;
import java.util.Optional;

/** A player: a model playing one concept, with the method-specific extras a user may set. */
public record PlayerSpec(ModelCard card, Concept concept, double weight, boolean negate, Optional<Region> region) {
    public PlayerSpec {
        if (card == null || concept == null) throw new IllegalArgumentException("player: card and concept are required");
        card.contextFor(concept); // validates item and colour against the card
        region = region == null ? Optional.empty() : region;
    }

    public static PlayerSpec of(ModelCard card, Concept concept) {
        return new PlayerSpec(card, concept, 0, false, Optional.empty());
    }

    public long[] context() { return card.contextFor(concept); }

    public String label() { return card.name() + ":" + concept; }

    /** A rectangle in canvas fractions [0,1]. */
    public record Region(double x0, double y0, double x1, double y1) {
        public Region {
            if (!(0 <= x0 && x0 < x1 && x1 <= 1 && 0 <= y0 && y0 < y1 && y1 <= 1))
                throw new IllegalArgumentException("region must satisfy 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1");
        }
    }
}
