package dnd.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaChoiceTest {

    private static final long SECOND = 1_000_000_000L;
    private static final List<String> LIVE = List.of("h:1", "h:2");

    @Test
    void playersOfOneJobSpreadOverTheReplicas() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        assertNotEquals(c.choose("m", 0, LIVE), c.choose("m", 1, LIVE));
        assertEquals(c.choose("m", 0, LIVE), c.choose("m", 0, LIVE), "the same slot goes to the same replica");
    }

    @Test
    void aReplicaThatFailedIsAvoidedAndCounted() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        String first = c.choose("m", 0, LIVE).orElseThrow();
        c.failed("m", first, "UNAVAILABLE", 0);
        for (int slot = 0; slot < 4; slot++) assertNotEquals(first, c.choose("m", slot, LIVE).orElseThrow());
        assertEquals(Map.of("m", 1), c.failovers());
    }

    @Test
    void aReplicaThatFailedAnotherJobLatelyIsUsedOnlyWhenNoOtherIsLeft() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        for (int slot = 0; slot < 4; slot++)
            assertEquals("h:2", c.choose("m", slot, LIVE, Set.of("h:1")).orElseThrow(), "the suspect is avoided while h:2 is live");
        c.failed("m", "h:2", "UNAVAILABLE", 0);
        assertEquals("h:1", c.choose("m", 0, LIVE, Set.of("h:1")).orElseThrow(), "the suspect is better than no replica");
        assertEquals("h:1", c.choose("m", 0, List.of("h:1"), Set.of("h:1")).orElseThrow());
    }

    @Test
    void aReplicaIsSuspectForTenSecondsAfterSomeJobSawItFail() {
        long now = Duration.ofMinutes(5).toNanos(), second = Duration.ofSeconds(1).toNanos();
        List<dnd.coordinator.directory.DirectorySnapshot.Replica> listed = List.of(
                new dnd.coordinator.directory.DirectorySnapshot.Replica("h:1", "n1", "m1", 1, "UNAVAILABLE", now - 9 * second),
                new dnd.coordinator.directory.DirectorySnapshot.Replica("h:2", "n2", "m2", 3, "deadline", now - 11 * second),
                new dnd.coordinator.directory.DirectorySnapshot.Replica("h:3", "n3", "m3", 0, "", 0));
        assertEquals(Set.of("h:1"), ReplicaChoice.suspects(listed, now));
    }

    @Test
    void withoutAReplicaTheJobWaitsTheGracePeriodThenFailsNamingTheModel() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        c.failed("apparel", "h:1", "UNAVAILABLE: io exception", 0);
        assertEquals(Optional.empty(), c.choose("apparel", 0, List.of()));
        assertTrue(c.noReplica("apparel", false, 9 * SECOND).isEmpty(), "still within the grace period");
        String error = c.noReplica("apparel", false, 10 * SECOND).orElseThrow();
        assertTrue(error.startsWith("model apparel has no live replica"), error);
        assertTrue(error.contains("h:1: UNAVAILABLE: io exception"), error);
    }

    @Test
    void anAnswerStopsTheGracePeriod() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        c.failed("m", "h:1", "x", 0);
        c.succeeded("m");
        assertTrue(c.noReplica("m", false, 100 * SECOND).isEmpty(), "the grace period starts again at the next gap");
        assertTrue(c.noReplica("m", false, 110 * SECOND).isPresent());
    }

    @Test
    void whenEveryLiveReplicaFailedTheyGetAnotherChance() {
        ReplicaChoice c = new ReplicaChoice("job", Duration.ofSeconds(10));
        c.failed("m", "h:1", "x", 0);
        c.failed("m", "h:2", "x", 0);
        assertEquals(Optional.empty(), c.choose("m", 0, LIVE));
        assertTrue(c.noReplica("m", true, SECOND).isEmpty());
        assertTrue(c.choose("m", 0, LIVE).isPresent(), "re-admitted after the wait");
    }
}
