package dnd.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Aggregates image verdicts into a {@link Score} per (task, method), keeping task and method order of first appearance. */
public final class Scores {

    private Scores() {}

    public static Map<Task, Map<String, Score>> aggregate(List<ImageRecord> records) {
        Map<Task, Map<String, List<ImageRecord>>> groups = new LinkedHashMap<>();
        for (ImageRecord r : records)
            groups.computeIfAbsent(r.task(), t -> new LinkedHashMap<>()).computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
        Map<Task, Map<String, Score>> out = new LinkedHashMap<>();
        groups.forEach((task, byMethod) -> {
            Map<String, Score> scores = new LinkedHashMap<>();
            byMethod.forEach((method, rs) -> scores.put(method, score(rs)));
            out.put(task, scores);
        });
        return out;
    }

    /** Score of one (task, method) group. */
    public static Score score(List<ImageRecord> rs) {
        Map<Integer, Boolean> anyCorrect = new TreeMap<>();
        int correct = 0;
        for (ImageRecord r : rs) {
            if (r.correct()) correct++;
            anyCorrect.merge(r.prompt(), r.correct(), Boolean::logicalOr);
        }
        long goodPrompts = anyCorrect.values().stream().filter(b -> b).count();
        double images = rs.isEmpty() ? 0 : 100.0 * correct / rs.size();
        double prompts = anyCorrect.isEmpty() ? 0 : 100.0 * goodPrompts / anyCorrect.size();
        return new Score(images, prompts, rs.size(), anyCorrect.size());
    }
}
