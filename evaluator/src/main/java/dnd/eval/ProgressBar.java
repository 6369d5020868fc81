package dnd.eval;

import java.io.PrintStream;

/** A one-line text progress bar (for stderr): redrawn in place with a carriage return, ended with a newline. */
public final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();

    public ProgressBar(PrintStream out) { this.out = out; }

    @Override
    public void progress(int done, int total, String what) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double secs = (System.nanoTime() - startNanos) / 1e9;
        String eta = done == 0 ? "?" : String.format("%.0fs", secs * (total - done) / done);
        out.printf("\r[%s%s] %d/%d images, %.0fs, eta %s  %-40.40s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, secs, eta, what);
        if (done >= total) out.println();
        out.flush();
    }
}
