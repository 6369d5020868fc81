package dnd.eval;

import java.util.List;

/** Classifies canonical 28x28 grey crops (values in [0,1]); one row of logits per crop. */
public interface Classifier extends AutoCloseable {

    /** @param crops each [28*28] row-major; returns logits [crops.size()][classes]. */
    float[][] logits(List<float[]> crops);

    @Override
    void close();
}
