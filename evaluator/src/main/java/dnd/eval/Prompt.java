package dnd.eval;

import java.util.List;

/**
 * One prompt of a task: its players and the seed of its first image (image i uses seed + i,
 * as the Composer API does). Every method gets the same prompts and seeds.
 */
public record Prompt(Task task, int index, List<PromptPlayer> players, long seed) {

    public Prompt {
        if (task == null) throw new IllegalArgumentException("prompt: task is required");
        if (index < 0) throw new IllegalArgumentException("prompt: index must be >= 0");
        if (players == null || players.size() != task.players())
            throw new IllegalArgumentException("prompt: task " + task.id() + " needs " + task.players() + " players");
        players = List.copyOf(players);
    }

    public List<Requirement> requirements() {
        return players.stream().map(p -> p.requirement(task.checksColour())).toList();
    }
}
