package dnd.coordinator.job;

import dnd.common.cluster.KryoMessage;
import java.util.List;
import java.util.Map;

/**
 * What a job sends its listener (the client's stream), in order: one
 * {@link StepAllocated} per step, one {@link ImageReady} per image, then {@link JobFinished} or
 * {@link JobFailed}. Kryo-serialized (ids in this module's reference.conf); kept small, as the
 * allocation of a 32x32 canvas with a few players is a few KiB.
 */
public sealed interface JobEvent extends KryoMessage {

    String jobId();

    /** Whether the job ends with this event. */
    default boolean terminal() { return false; }

    /**
     * One step's allocation: Q as {@code rows} rows of {@code height*width} features (the last row
     * is the fictitious player when the method has one; empty when the client did not ask for
     * owner maps), per-player shares and the solver state;
     * {@code stepMs} is the coordinator's wall time of the step and {@code computeMs} the node
     * compute on its critical path (per phase, the busiest node), so their ratio is the cost of
     * distribution; {@code coordinatorMs} is the job actor's own time in the step (collecting the
     * answers, the game and the blend, encoding the requests), its share of the critical path. {@code previewPng} is the step's x0-hat as PNG when the request asked for
     * previews, else empty.
     */
    record StepAllocated(String jobId, int image, int step, int totalSteps, long timestep, List<Share> shares,
                         double fictitiousShare, double[] lambda, int iterations, double kktResidual,
                         int rows, int height, int width, float[] allocation, double stepMs, double computeMs,
                         double coordinatorMs, byte[] previewPng) implements JobEvent {

        /** Without timing (0 ms) and without a preview. */
        public StepAllocated(String jobId, int image, int step, int totalSteps, long timestep, List<Share> shares,
                             double fictitiousShare, double[] lambda, int iterations, double kktResidual,
                             int rows, int height, int width, float[] allocation) {
            this(jobId, image, step, totalSteps, timestep, shares, fictitiousShare, lambda, iterations, kktResidual, rows, height, width, allocation,
                    0, 0, 0, new byte[0]);
        }
    }

    record Share(String player, double share, double value, double target, double slack) implements KryoMessage {}

    record ImageReady(String jobId, int image, long seed, byte[] png, int[] latentShape, float[] latent,
                      String fairnessReportJson, byte[] allocationGif) implements JobEvent {}

    record JobFinished(String jobId, int images, double wallMs, Map<String, Integer> failovers) implements JobEvent {
        @Override
        public boolean terminal() { return true; }
    }

    /** @param code the gRPC status code name, e.g. UNAVAILABLE, CANCELLED, INVALID_ARGUMENT */
    record JobFailed(String jobId, String code, String message) implements JobEvent {
        @Override
        public boolean terminal() { return true; }
    }
}
