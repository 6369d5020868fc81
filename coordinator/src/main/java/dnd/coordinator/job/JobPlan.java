package dnd.coordinator.job;

import dnd.common.compose.PlayerSpec;
import dnd.common.compose.SamplerConfig;
import java.util.List;
import java.util.Map;

/**
 * A validated composition request: who plays, how they are composed, and the sampler settings.
 * Image {@code i} uses seed {@code seed + i}; everything else is shared. With
 * {@code allowBatching} the nodes may merge this job's requests with other jobs' (faster under
 * load; the bits then depend on the batch mates), else every request runs alone and reproducibly.
 * With {@code previews} every progress event carries a PNG of the step's x0-hat, with
 * {@code ownerMaps} the step's allocation Q.
 */
public record JobPlan(String jobId, List<PlayerSpec> players, String method, Map<String, String> options,
                      int steps, long seed, int images, double guidanceScale, double eta, double x0Clip, boolean allowBatching,
                      boolean previews, boolean ownerMaps) {

    /** A reproducible plan (no cross-job batching), without x0-hat clipping. */
    public JobPlan(String jobId, List<PlayerSpec> players, String method, Map<String, String> options,
                   int steps, long seed, int images, double guidanceScale, double eta) {
        this(jobId, players, method, options, steps, seed, images, guidanceScale, eta, 0, false, false, false);
    }

    public JobPlan {
        if (jobId == null || jobId.isBlank()) throw new IllegalArgumentException("job id is required");
        if (players == null || players.isEmpty()) throw new IllegalArgumentException("players: at least one is required");
        if (method == null || method.isBlank()) throw new IllegalArgumentException("method is required");
        if (images < 1) throw new IllegalArgumentException("images must be >= 1");
        players = List.copyOf(players);
        options = Map.copyOf(options);
        new SamplerConfig(steps, seed, guidanceScale, eta, x0Clip); // validates steps, guidance scale, eta, x0 clip (fields are not set yet)
    }

    public SamplerConfig sampler(int image) { return new SamplerConfig(steps, seed + image, guidanceScale, eta, x0Clip); }

    /** Model names, deduplicated, in player order. */
    public List<String> models() { return players.stream().map(p -> p.card().name()).distinct().toList(); }
}
