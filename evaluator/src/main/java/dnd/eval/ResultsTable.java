package dnd.eval;

import java.util.Locale;
import java.util.Map;

/** The (task, method) table as aligned text for a terminal, or as Markdown for docs/results.md. */
public final class ResultsTable {

    private ResultsTable() {}

    public static String text(Map<Task, Map<String, Score>> scores) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-13s %-15s %8s %9s %7s %8s%n", "task", "method", "%images", "%prompts", "images", "prompts"));
        scores.forEach((task, byMethod) -> byMethod.forEach((method, s) -> sb.append(String.format(Locale.ROOT,
                "%-13s %-15s %8.1f %9.1f %7d %8d%n", task.id(), method, s.imagesPct(), s.promptsPct(), s.images(), s.prompts()))));
        return sb.toString();
    }

    public static String markdown(Map<Task, Map<String, Score>> scores) {
        StringBuilder sb = new StringBuilder("| task | method | %images | %prompts | images | prompts |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        scores.forEach((task, byMethod) -> byMethod.forEach((method, s) -> sb.append(String.format(Locale.ROOT,
                "| %s | %s | %.1f | %.1f | %d | %d |%n", task.id(), method, s.imagesPct(), s.promptsPct(), s.images(), s.prompts()))));
        return sb.toString();
    }
}
