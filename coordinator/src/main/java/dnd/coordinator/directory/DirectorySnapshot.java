package dnd.coordinator.directory;

import dnd.common.model.ModelCard;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the coordinator knows about models at one instant: for each model ever seen, its card,
 * its live replicas and the replicas it refused. Immutable; safe to share between threads.
 * Models iterate in name order, so listings (and whatever is derived from them, e.g. the demo's
 * prompts) do not depend on the order in which nodes registered.
 */
public record DirectorySnapshot(Map<String, ModelEntry> models) {

    public DirectorySnapshot {
        models = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(Map.copyOf(models)));
    }

    public static DirectorySnapshot empty() { return new DirectorySnapshot(Map.of()); }

    public Optional<ModelEntry> model(String name) { return Optional.ofNullable(models.get(name)); }

    /** Live replica endpoints of a model (empty when unknown or none is live). */
    public List<Replica> replicas(String model) {
        ModelEntry e = models.get(model);
        return e == null ? List.of() : e.replicas();
    }

    /**
     * One model: its card (the latest accepted replica's), its live replicas in a stable order,
     * and refusals as "endpoint: reason".
     */
    public record ModelEntry(ModelCard card, List<Replica> replicas, List<String> refused) {
        public ModelEntry {
            replicas = List.copyOf(replicas);
            refused = List.copyOf(refused);
        }
    }

    /**
     * One live replica: where it serves, which cluster member it lives in, and what jobs saw go
     * wrong: how often, the last error, and when ({@link System#nanoTime()}; meaningless while
     * failures is 0).
     */
    public record Replica(String endpoint, String nodeId, String member, long failures, String lastError, long lastFailureNanos) {

        /** Whether a job saw a request to this replica fail at or after {@code sinceNanos}. */
        public boolean failedSince(long sinceNanos) { return failures > 0 && lastFailureNanos - sinceNanos >= 0; }
    }
}
