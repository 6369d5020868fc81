package dnd.eval;

import java.util.List;

/**
 * The verdict "all required objects are present (with the right colours)": true when the
 * requirements can be matched to distinct found objects. Requirements are few (at most three),
 * so a backtracking search over assignments is exact and cheap.
 */
public final class Verdict {

    private Verdict() {}

    public static boolean satisfied(List<DetectedObject> found, List<Requirement> required) {
        if (required.size() > found.size()) return false;
        return assign(found, required, 0, new boolean[found.size()]);
    }

    private static boolean assign(List<DetectedObject> found, List<Requirement> required, int r, boolean[] used) {
        if (r == required.size()) return true;
        for (int j = 0; j < found.size(); j++) {
            if (used[j] || !required.get(r).matches(found.get(j))) continue;
            used[j] = true;
            if (assign(found, required, r + 1, used)) return true;
            used[j] = false;
        }
        return false;
    }
}
