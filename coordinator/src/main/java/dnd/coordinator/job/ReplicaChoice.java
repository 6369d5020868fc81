package dnd.coordinator.job;

import dnd.coordinator.directory.DirectorySnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One job's failover bookkeeping, without actors or clocks of its own: which replica a request
 * goes to, which replicas failed this job, and when the job must give up on a model (no live
 * replica for the grace period). Not thread-safe: owned by the job actor.
 */
final class ReplicaChoice {

    private final String jobId;
    private final long graceNanos;
    private final Map<String, Set<String>> excluded = new HashMap<>();
    private final Map<String, Long> failingSince = new HashMap<>();
    private final Map<String, String> lastError = new HashMap<>();
    private final Map<String, Integer> failovers = new TreeMap<>();

    ReplicaChoice(String jobId, Duration gracePeriod) {
        this.jobId = jobId;
        this.graceNanos = gracePeriod.toNanos();
    }

    /**
     * How long a replica on which some job saw a request fail is avoided by the other jobs while
     * another replica is live: about the time the cluster takes to drop a dead member
     * (unreachable after about 4 s, downed after about 7 s). Until then a crashed node is still
     * listed, and a job starting meanwhile would try it first and fail over.
     */
    static final Duration SUSPECT_FOR = Duration.ofSeconds(10);

    /** The listed replicas on which some job saw a request fail within {@link #SUSPECT_FOR} before {@code nowNanos}. */
    static Set<String> suspects(List<DirectorySnapshot.Replica> listed, long nowNanos) {
        long since = nowNanos - SUSPECT_FOR.toNanos();
        return listed.stream().filter(r -> r.failedSince(since)).map(DirectorySnapshot.Replica::endpoint).collect(Collectors.toSet());
    }

    /** {@link #choose(String, int, List, Set)} with no suspects. */
    Optional<String> choose(String model, int slot, List<String> live) { return choose(model, slot, live, Set.of()); }

    /**
     * A live replica of the model that has not failed this job, preferring one that is not
     * suspect (failed some job lately), spread over the replicas by job and slot (which replica
     * serves does not change the bits); empty when there is none.
     */
    Optional<String> choose(String model, int slot, List<String> live, Set<String> suspects) {
        Set<String> bad = excluded.getOrDefault(model, Set.of());
        List<String> candidates = live.stream().filter(e -> !bad.contains(e)).toList();
        if (candidates.isEmpty()) return Optional.empty();
        List<String> trusted = candidates.stream().filter(e -> !suspects.contains(e)).toList();
        if (!trusted.isEmpty()) candidates = trusted;
        return Optional.of(candidates.get(Math.floorMod(jobId.hashCode() + slot, candidates.size())));
    }

    /** A request to this replica failed: it is avoided from now on, and the model's grace period runs. */
    void failed(String model, String endpoint, String why, long nowNanos) {
        failovers.merge(model, 1, Integer::sum);
        lastError.put(model, endpoint + ": " + why);
        failingSince.putIfAbsent(model, nowNanos);
        excluded.computeIfAbsent(model, m -> new HashSet<>()).add(endpoint);
    }

    /** A request of the model was answered: its grace period stops running. */
    void succeeded(String model) { failingSince.remove(model); }

    /**
     * There is no replica to send to. Empty: wait and look again (when every live replica has
     * failed this job once, they get another chance). Otherwise the error that ends the job,
     * naming the model.
     */
    Optional<String> noReplica(String model, boolean anyLive, long nowNanos) {
        long since = failingSince.computeIfAbsent(model, m -> nowNanos);
        if (nowNanos - since >= graceNanos) {
            return Optional.of("model " + model + " has no live replica (waited the grace period of " + graceNanos / 1_000_000
                    + " ms); last error: " + lastError.getOrDefault(model, "none was registered"));
        }
        if (anyLive) excluded.remove(model);
        return Optional.empty();
    }

    /** Retried requests per model. */
    Map<String, Integer> failovers() { return Map.copyOf(failovers); }
}
