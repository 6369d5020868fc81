package dnd.cli;

import dnd.proto.ModelInfo;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's fixed prompts, made from whatever models the cluster serves: two-player prompts that
 * pair items of different specialists (round-robin over model pairs, then over item pairs), or
 * two items of one model when only one is served; the last prompt binds colours.
 */
final class DemoPrompts {

    /** One prompt: its players and a file-name slug. */
    record Prompt(List<Player> players, String label, String slug) {}

    private record Pick(ModelInfo model, String item) {}

    private DemoPrompts() {}

    static List<Prompt> make(List<ModelInfo> models, int count) {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to compose");
        List<List<Pick[]>> byModelPair = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            for (int j = i + 1; j < models.size(); j++) byModelPair.add(pairs(models.get(i), models.get(j)));
        }
        if (byModelPair.isEmpty()) byModelPair.add(pairs(models.get(0), models.get(0)));
        List<Pick[]> order = new ArrayList<>();
        int longest = byModelPair.stream().mapToInt(List::size).max().orElse(0);
        for (int k = 0; k < longest; k++)
            for (List<Pick[]> l : byModelPair) if (k < l.size()) order.add(l.get(k));
        if (order.isEmpty()) throw new IllegalArgumentException("the served models cannot make a two-item prompt");
        List<Prompt> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Pick[] p = order.get(k % order.size());
            boolean coloured = k == count - 1 && p[0].model.getCard().getColoursCount() > 2 && p[1].model.getCard().getColoursCount() > 2;
            String a = coloured ? p[0].model.getCard().getColours(0) + " " + p[0].item : p[0].item;
            String b = coloured ? p[1].model.getCard().getColours(2) + " " + p[1].item : p[1].item;
            String modelA = p[0].model.getCard().getName(), modelB = p[1].model.getCard().getName();
            out.add(new Prompt(List.of(Player.newBuilder().setModel(modelA).setConcept(a).build(), Player.newBuilder().setModel(modelB).setConcept(b).build()),
                    modelA + ":" + a + " + " + modelB + ":" + b, k + "-" + (a + "-" + b).replaceAll("[^A-Za-z0-9]+", "-")));
        }
        return out;
    }

    /** Item pairs of two models, interleaved so consecutive picks differ in both items; distinct items for one model. */
    private static List<Pick[]> pairs(ModelInfo a, ModelInfo b) {
        List<String> ia = a.getCard().getItemsList(), ib = b.getCard().getItemsList();
        boolean same = a.getCard().getName().equals(b.getCard().getName());
        List<Pick[]> out = new ArrayList<>();
        for (int shift = 0; shift < ib.size(); shift++)
            for (int x = 0; x < ia.size(); x++) {
                int y = (x + shift) % ib.size();
                if (same && ia.get(x).equals(ib.get(y))) continue;
                if (same && x > y) continue; // one order of each unordered pair
                out.add(new Pick[] {new Pick(a, ia.get(x)), new Pick(b, ib.get(y))});
            }
        return out;
    }
}
