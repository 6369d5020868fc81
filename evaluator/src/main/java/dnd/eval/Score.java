package dnd.eval;

/**
 * GenEval's two numbers for one (task, method): %images = mean per-image correctness, %prompts =
 * share of prompts with at least one correct image.
 */
public record Score(double imagesPct, double promptsPct, int images, int prompts) {

    public Score {
        if (images < 0 || prompts < 0) throw new IllegalArgumentException("score: counts must be >= 0");
    }
}
