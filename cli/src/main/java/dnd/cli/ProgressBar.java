package dnd.cli;

import dnd.proto.AllocationEvent;
import dnd.proto.PlayerShare;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr: image, step, and each player's share of the canvas. */
final class ProgressBar {

    private static final int WIDTH = 24;

    private final PrintStream err;
    private final int images;
    private final boolean redraw;
    private int lastLength;

    ProgressBar(PrintStream err, int images) {
        this.err = err;
        this.images = images;
        this.redraw = System.console() != null;
    }

    void update(AllocationEvent e) {
        int done = e.getStep() + 1;
        int total = Math.max(1, e.getTotalSteps());
        // Without a terminal, print a line every quarter instead of redrawing.
        if (!redraw && done != total && done % Math.max(1, total / 4) != 0) return;
        int filled = WIDTH * done / total;
        StringBuilder line = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        line.append(String.format(Locale.ROOT, "image %d/%d step %d/%d", e.getImage() + 1, images, done, total));
        for (PlayerShare s : e.getSharesList()) line.append(String.format(Locale.ROOT, "  %s %.2f", s.getPlayer(), s.getShare()));
        String text = line.toString();
        if (redraw) {
            err.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
            lastLength = text.length();
        } else {
            err.println(text);
        }
        err.flush();
    }

    void finish() {
        if (redraw && lastLength > 0) err.println();
        lastLength = 0;
    }
}
