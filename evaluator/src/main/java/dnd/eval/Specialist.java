package dnd.eval;

import java.util.List;

/** A model the tasks may draw players from: its name, the items it draws and the colours it binds. */
public record Specialist(String model, List<String> items, List<String> colours) {

    public Specialist {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("specialist: model name is required");
        if (items == null || items.isEmpty()) throw new IllegalArgumentException("specialist " + model + ": needs at least one item");
        if (colours == null || colours.isEmpty()) throw new IllegalArgumentException("specialist " + model + ": needs at least one colour");
        items = List.copyOf(items);
        colours = List.copyOf(colours);
    }
}
