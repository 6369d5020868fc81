package dnd.cli.bench;

import dnd.proto.ModelCard;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.List;

/** Benchmark players: player i plays model i mod M (M models), each with a concept of its own. */
final class Players {

    private Players() {}

    static List<Player> pick(List<ModelCard> models, int n) {
        if (models.isEmpty()) throw new IllegalArgumentException("no model to play");
        List<Player> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ModelCard card = models.get(i % models.size());
            if (card.getItemsCount() == 0) throw new IllegalArgumentException("model " + card.getName() + " knows no item");
            String item = card.getItems((i / models.size()) % card.getItemsCount());
            out.add(Player.newBuilder().setModel(card.getName()).setConcept(item).build());
        }
        return out;
    }

    static String label(List<Player> players) {
        return String.join(" + ", players.stream().map(p -> p.getModel() + ":" + p.getConcept()).toList());
    }
}
