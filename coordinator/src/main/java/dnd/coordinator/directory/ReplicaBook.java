package dnd.coordinator.directory;

import dnd.common.cluster.NodeService.NodeInfo;
import dnd.common.model.ModelCard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The bookkeeping behind the node directory, without actors: which registered node serves which
 * model, and which were refused. A model's checksum is established by its first accepted replica
 * and holds while any replica of it is live; a replica with another checksum is refused, because
 * replicas must give bit-identical answers for failover to be invisible. Keys are the nodes'
 * registration ids (their actor paths). Not thread-safe: owned by one actor.
 */
public final class ReplicaBook {

    private final Map<String, Entry> accepted = new LinkedHashMap<>();
    private final Map<String, Refusal> refused = new LinkedHashMap<>();
    private final Map<String, ModelCard> cards = new TreeMap<>();
    private final Map<String, Health> health = new HashMap<>();

    /** Outcome of offering a node: empty when accepted, else the reason it was refused. */
    public Optional<String> offer(String key, NodeInfo info, String member) {
        ModelCard card = info.card();
        String model = card.name();
        Optional<String> established = accepted.values().stream()
                .filter(e -> e.info.card().name().equals(model) && !e.key.equals(key))
                .map(e -> e.info.card().sha256()).findFirst();
        if (established.isPresent() && !established.get().equals(card.sha256())) {
            String reason = "model " + model + " checksum " + abbrev(card.sha256()) + " differs from the established "
                    + abbrev(established.get()) + " of its live replicas";
            refused.put(key, new Refusal(info.endpoint(), model, reason));
            accepted.remove(key);
            return Optional.of(reason);
        }
        refused.remove(key);
        accepted.put(key, new Entry(key, info, member));
        cards.put(model, card);
        return Optional.empty();
    }

    /** Forgets a node that left the listing (it may come back and be offered again); returns its endpoint if it was accepted. */
    public Optional<String> remove(String key) {
        Entry e = accepted.remove(key);
        refused.remove(key);
        if (e == null) return Optional.empty();
        health.remove(e.info.endpoint());
        return Optional.of(e.info.endpoint());
    }

    public boolean knows(String key) { return accepted.containsKey(key) || refused.containsKey(key); }

    /** A job saw a request to this endpoint fail or time out, at {@code nowNanos} ({@link System#nanoTime()}). */
    public void recordFailure(String endpoint, String error, long nowNanos) {
        Health h = health.getOrDefault(endpoint, Health.NONE);
        health.put(endpoint, new Health(h.failures + 1, error, nowNanos));
    }

    public DirectorySnapshot snapshot() {
        Map<String, List<DirectorySnapshot.Replica>> live = new TreeMap<>();
        Map<String, List<String>> refusals = new TreeMap<>();
        for (Entry e : accepted.values()) {
            Health h = health.getOrDefault(e.info.endpoint(), Health.NONE);
            live.computeIfAbsent(e.info.card().name(), k -> new ArrayList<>()).add(
                    new DirectorySnapshot.Replica(e.info.endpoint(), e.info.nodeId(), e.member, h.failures, h.lastError, h.lastFailureNanos));
        }
        for (Refusal r : refused.values())
            refusals.computeIfAbsent(r.model, k -> new ArrayList<>()).add(r.endpoint + ": " + r.reason);
        Map<String, DirectorySnapshot.ModelEntry> models = new TreeMap<>();
        for (var c : cards.entrySet()) {
            List<DirectorySnapshot.Replica> rs = new ArrayList<>(live.getOrDefault(c.getKey(), List.of()));
            rs.sort(Comparator.comparing(DirectorySnapshot.Replica::endpoint));
            models.put(c.getKey(), new DirectorySnapshot.ModelEntry(c.getValue(), rs, refusals.getOrDefault(c.getKey(), List.of())));
        }
        return new DirectorySnapshot(models);
    }

    private static String abbrev(String sha) {
        if (sha.isEmpty()) return "(none)";
        return sha.length() > 12 ? sha.substring(0, 12) + "..." : sha;
    }

    private record Entry(String key, NodeInfo info, String member) {}

    private record Refusal(String endpoint, String model, String reason) {}

    private record Health(long failures, String lastError, long lastFailureNanos) {
        static final Health NONE = new Health(0, "", 0);
    }
}
