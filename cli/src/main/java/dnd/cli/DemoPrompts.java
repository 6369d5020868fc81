package dnd.cli;

import dnd.proto.ModelInfo;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's fixed prompts, made from whatever models the cluster serves: two-player prompts that
 * pair different specialists where there are several (one model playing two items otherwise), the
 * last one with colours.
 */
final class DemoPrompts {

    /** One prompt: its players and a file-name slug. */
    record Prompt(List<Player> players, String label, String slug) {}

    private static final int[][] PAIRS = {{0, 1}, {1, 2}, {2, 0}, {0, 2}};

    private DemoPrompts() {}

    static List<Prompt> make(List<ModelInfo> models, int count) {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to compose");
        List<Prompt> out = new ArrayList<>();
        int m = models.size();
        for (int k = 0; k < count; k++) {
            int[] pair = PAIRS[k % PAIRS.length];
            ModelInfo a = models.get(pair[0] % m);
            ModelInfo b = models.get(pair[1] % m);
            boolean same = a.getCard().getName().equals(b.getCard().getName());
            if (same && m > 1) b = models.get((pair[0] + 1) % m);
            same = a.getCard().getName().equals(b.getCard().getName());
            String itemA = item(a, k);
            String itemB = item(b, same ? k + 1 : k);
            boolean coloured = k == count - 1 && a.getCard().getColoursCount() > 1 && b.getCard().getColoursCount() > 1;
            String conceptA = coloured ? a.getCard().getColours(0) + " " + itemA : itemA;
            String conceptB = coloured ? b.getCard().getColours(Math.min(2, b.getCard().getColoursCount() - 1)) + " " + itemB : itemB;
            List<Player> players = List.of(
                    Player.newBuilder().setModel(a.getCard().getName()).setConcept(conceptA).build(),
                    Player.newBuilder().setModel(b.getCard().getName()).setConcept(conceptB).build());
            String label = a.getCard().getName() + ":" + conceptA + " + " + b.getCard().getName() + ":" + conceptB;
            String slug = k + "-" + (conceptA + "-" + conceptB).replaceAll("[^A-Za-z0-9]+", "-");
            out.add(new Prompt(players, label, slug));
        }
        return out;
    }

    private static String item(ModelInfo m, int k) {
        List<String> items = m.getCard().getItemsList();
        return items.get(k % items.size());
    }
}
