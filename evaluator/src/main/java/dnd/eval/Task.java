package dnd.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The GenEval-style tasks on the shipped specialists. Every player of a prompt comes from a
 * different specialist and carries a colour (the context the specialists were mostly trained
 * on); only {@link #COLOR_ATTR} draws distinct colours and checks them.
 */
public enum Task {
    TWO_OBJECT("two_object", 2, false),
    COLOR_ATTR("color_attr", 2, true),
    THREE_OBJECT("three_object", 3, false);

    private final String id;
    private final int players;
    private final boolean checksColour;

    Task(String id, int players, boolean checksColour) {
        this.id = id;
        this.players = players;
        this.checksColour = checksColour;
    }

    public String id() { return id; }

    public int players() { return players; }

    public boolean checksColour() { return checksColour; }

    public static Task parse(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown task '" + id + "' (known: " + ids() + ")"));
    }

    public static List<String> ids() { return Arrays.stream(values()).map(Task::id).toList(); }
}
