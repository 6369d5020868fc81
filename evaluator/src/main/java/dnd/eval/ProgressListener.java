package dnd.eval;

/** Told how far an evaluation is: {@code done} of {@code total} images, and what runs now. */
public interface ProgressListener {

    void progress(int done, int total, String what);

    ProgressListener NONE = (done, total, what) -> {};
}
