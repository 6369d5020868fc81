package dnd.coordinator.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.common.cluster.NodeService.NodeInfo;
import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaBookTest {

    private static ModelCard card(String name, String sha) {
        return new ModelCard(name, "1", sha, new int[] {3, 8, 8}, ScheduleSpec.linearDefault(), 4,
                Map.of(ModelCard.START, 0L, ModelCard.NULL, 1L, ModelCard.PAD, 2L, "bag", 3L), List.of("bag"), List.of(),
                new int[] {4, 4}, 3.0, 10, List.of("eps"), "test", false, "", 4);
    }

    private static NodeInfo node(String name, String sha, int port) { return new NodeInfo(card(name, sha), "127.0.0.1", port, "n" + port); }

    @Test
    void replicasWithTheEstablishedChecksumAreGroupedByModel() {
        ReplicaBook book = new ReplicaBook();
        assertTrue(book.offer("a", node("bags", "aaa", 7102), "m2").isEmpty());
        assertTrue(book.offer("b", node("bags", "aaa", 7101), "m1").isEmpty());
        assertTrue(book.offer("c", node("shoes", "bbb", 7103), "m3").isEmpty());
        DirectorySnapshot s = book.snapshot();
        assertEquals(List.of("127.0.0.1:7101", "127.0.0.1:7102"), s.replicas("bags").stream().map(DirectorySnapshot.Replica::endpoint).toList());
        assertEquals(1, s.replicas("shoes").size());
        assertTrue(s.replicas("hats").isEmpty());
    }

    @Test
    void aReplicaWithAnotherChecksumIsRefusedWithTheReasonAndNotUsed() {
        ReplicaBook book = new ReplicaBook();
        book.offer("a", node("bags", "aaaaaaaaaaaaaaaa", 7101), "m1");
        String reason = book.offer("b", node("bags", "bbbbbbbbbbbbbbbb", 7102), "m2").orElseThrow();
        assertTrue(reason.contains("checksum"), reason);
        DirectorySnapshot.ModelEntry e = book.snapshot().model("bags").orElseThrow();
        assertEquals(1, e.replicas().size());
        assertEquals(1, e.refused().size());
        assertTrue(e.refused().get(0).startsWith("127.0.0.1:7102: "), e.refused().get(0));
    }

    @Test
    void whenTheLastReplicaLeavesANewChecksumMayBeEstablished() {
        ReplicaBook book = new ReplicaBook();
        book.offer("a", node("bags", "old", 7101), "m1");
        book.remove("a");
        assertTrue(book.snapshot().model("bags").orElseThrow().replicas().isEmpty(), "the model stays known without replicas");
        assertTrue(book.offer("b", node("bags", "new", 7102), "m2").isEmpty());
        assertEquals("new", book.snapshot().model("bags").orElseThrow().card().sha256());
    }

    @Test
    void failuresSeenByJobsAreCountedPerReplica() {
        ReplicaBook book = new ReplicaBook();
        book.offer("a", node("bags", "x", 7101), "m1");
        book.offer("b", node("bags", "x", 7102), "m2");
        book.recordFailure("127.0.0.1:7101", "UNAVAILABLE", 100);
        book.recordFailure("127.0.0.1:7101", "deadline", 200);
        DirectorySnapshot.Replica r = book.snapshot().replicas("bags").get(0), healthy = book.snapshot().replicas("bags").get(1);
        assertEquals(2, r.failures());
        assertEquals("deadline", r.lastError());
        assertTrue(r.failedSince(200) && !r.failedSince(201), "the time of the last failure is kept");
        assertEquals("127.0.0.1:7102", healthy.endpoint());
        assertFalse(healthy.failedSince(Long.MIN_VALUE), "a replica that never failed has not failed since any time");
    }
}
