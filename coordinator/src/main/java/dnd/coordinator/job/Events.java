package dnd.coordinator.job;

import dnd.common.compose.StepReport;
import dnd.common.model.ModelCard;
import java.util.List;

/** Builds the events a job publishes from the composition's reports. */
final class Events {

    private Events() {}

    /** With {@code withMap} false the event keeps Q's shape but not its values (the client did not ask for the map). */
    static JobEvent.StepAllocated allocated(String jobId, int image, StepReport r, ModelCard card, boolean withMap, double stepMs,
                                            double computeMs, double coordinatorMs, byte[] previewPng) {
        float[][] q = r.allocation();
        int rows = q.length;
        int m = rows == 0 ? 0 : q[0].length;
        // Features are latent pixels when m = H*W; otherwise the map is shown as one row.
        boolean grid = m == card.height() * card.width();
        float[] flat = new float[withMap ? rows * m : 0];
        if (withMap) for (int i = 0; i < rows; i++) System.arraycopy(q[i], 0, flat, i * m, m);
        List<JobEvent.Share> shares = r.players().stream()
                .map(p -> new JobEvent.Share(p.player(), p.share(), p.value(), p.target(), p.slack())).toList();
        return new JobEvent.StepAllocated(jobId, image, r.step(), r.totalSteps(), r.timestep(), shares, r.fictitiousShare(),
                r.lambda().clone(), r.iterations(), r.kktResidual(), rows, grid ? card.height() : 1, grid ? card.width() : m, flat, stepMs, computeMs,
                coordinatorMs, previewPng);
    }
}
