package dnd.eval;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the committed evaluator lives: {@code <repo>/models/evaluator} (the repo root comes from surefire's dnd.repo.root). */
final class EvaluatorModels {

    private EvaluatorModels() {}

    static Path dir() {
        String root = System.getProperty("dnd.repo.root", "..");
        return Path.of(root).resolve("models").resolve("evaluator");
    }

    static boolean present() {
        return Files.isRegularFile(dir().resolve("evaluator.json")) && Files.isRegularFile(dir().resolve("classifier.pt"));
    }
}
