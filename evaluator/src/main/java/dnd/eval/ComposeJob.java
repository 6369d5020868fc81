package dnd.eval;

import java.util.List;
import java.util.Map;

/** One composition request of an evaluation: a prompt's players under one method, {@code images} images from {@code seed}. */
public record ComposeJob(String method, Map<String, String> options, List<PromptPlayer> players, SamplerSettings sampler, long seed, int images) {

    public ComposeJob {
        if (method == null || method.isBlank()) throw new IllegalArgumentException("compose job: method is required");
        if (players == null || players.isEmpty()) throw new IllegalArgumentException("compose job: players are required");
        if (sampler == null) throw new IllegalArgumentException("compose job: sampler settings are required");
        if (images < 1) throw new IllegalArgumentException("compose job: images must be >= 1");
        options = Map.copyOf(options);
        players = List.copyOf(players);
    }
}
