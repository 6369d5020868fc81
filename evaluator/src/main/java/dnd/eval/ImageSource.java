package dnd.eval;

import java.util.List;

/** Where evaluated images come from: the Composer service (embedded cluster or a remote coordinator). */
public interface ImageSource {

    /** Runs one composition and returns its images in index order; throws with the server's reason on failure. */
    List<GeneratedImage> compose(ComposeJob job);
}
