package dnd.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dnd.common.cluster.KryoSerializer;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The job's topic events travel between JVMs with the project's Kryo serializer and its fixed ids. */
class JobEventSerializationTest {

    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "kryo-test");
        serialization = SerializationExtension.get(Adapter.toClassic(system));
    }

    @AfterAll
    static void stop() { system.terminate(); }

    private static <T> T roundTrip(T event) {
        assertInstanceOf(KryoSerializer.class, serialization.findSerializerFor(event));
        byte[] bytes = serialization.serialize(event).get();
        @SuppressWarnings("unchecked")
        T back = (T) serialization.deserialize(bytes, event.getClass()).get();
        return back;
    }

    @Test
    void aStepAllocationSurvivesTheTrip() {
        var e = new JobEvent.StepAllocated("job-1", 0, 3, 25, 880, List.of(new JobEvent.Share("apparel:trouser", 0.4, 0.6, 0.5, 0.1)),
                0.2, new double[] {0.5, 0.25}, 7, 1e-10, 3, 2, 2, new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1f, 0f, 0.5f},
                12.5, 10.0, 0.75, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        var back = roundTrip(e);
        assertArrayEquals(e.previewPng(), back.previewPng());
        assertEquals(e.stepMs(), back.stepMs());
        assertEquals(0.75, back.coordinatorMs());
        assertEquals(e.jobId(), back.jobId());
        assertEquals(e.shares(), back.shares());
        assertArrayEquals(e.lambda(), back.lambda());
        assertArrayEquals(e.allocation(), back.allocation());
        assertEquals(e.kktResidual(), back.kktResidual());
    }

    @Test
    void imagesAndTheEndOfAJobSurviveTheTrip() {
        var image = new JobEvent.ImageReady("job-1", 1, 8, new byte[] {1, 2, 3}, new int[] {3, 1, 1}, new float[] {-1f, 0f, 1f}, "{}", new byte[] {9});
        var back = roundTrip(image);
        assertArrayEquals(image.png(), back.png());
        assertArrayEquals(image.latent(), back.latent());
        assertEquals(image.fairnessReportJson(), back.fairnessReportJson());
        var done = new JobEvent.JobFinished("job-1", 2, 1234.5, Map.of("apparel", 2));
        assertEquals(done, roundTrip(done));
        var failed = new JobEvent.JobFailed("job-1", "UNAVAILABLE", "model apparel has no live replica");
        assertEquals(failed, roundTrip(failed));
    }
}
