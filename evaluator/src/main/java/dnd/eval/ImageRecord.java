package dnd.eval;

import java.util.List;

/** The verdict on one evaluated image, with what the evaluator found on it. */
public record ImageRecord(Task task, String method, int prompt, int image, long seed, boolean correct, List<DetectedObject> objects) {

    public ImageRecord {
        objects = List.copyOf(objects);
    }
}
