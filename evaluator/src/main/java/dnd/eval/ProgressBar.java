package dnd.eval;

import java.io.PrintStream;

/**
 * A text progress bar for stderr. On a terminal it is one line redrawn in place; otherwise (a log
 * file, CI) it prints a plain line at every tenth of the work, so logs stay readable.
 */
public final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private int lastTenth = -1;

    public ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void progress(int done, int total, String what) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        String eta = done == 0 ? "?" : String.format("%.0fs", secs * (total - done) / done);
        if (interactive) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            out.printf("\r[%s%s] %d/%d images, %.0fs, eta %s  %-40.40s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, secs, eta, what);
            if (done >= total) out.println();
        } else {
            int tenth = total == 0 ? 10 : (int) (10L * done / total);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            out.printf("eval: %d/%d images (%d%%), %.0fs, eta %s, %s%n", done, total, tenth * 10, secs, eta, what);
        }
        out.flush();
    }
}
