package dnd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ImageResult;
import dnd.proto.JobDone;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one Compose request against a coordinator and writes its images, allocation movies and reports. */
final class ComposeRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was written for one image, with the numbers worth printing. */
    /** @param minSlack the worst V_i - target over steps and players; NaN for a method without a game */
    record Written(int image, long seed, Path png, Path gif, Path report, double minSlack, double meanFictitiousShare) {}

    /** The files of the whole request and the job's summary. */
    record Outcome(List<Written> images, JobDone done) {}

    private ComposeRun() {}

    static Outcome run(ComposerClient client, ComposeRequest request, Path out, PrintStream progressTo) {
        int images = Math.max(1, request.getImages());
        ProgressBar bar = progressTo == null ? null : new ProgressBar(progressTo, images);
        List<Written> written = new ArrayList<>();
        JobDone[] done = {JobDone.getDefaultInstance()};
        try {
            client.compose(request, (ComposeEvent e) -> {
                switch (e.getKindCase()) {
                    case PROGRESS -> { if (bar != null) bar.update(e.getProgress()); }
                    case IMAGE -> written.add(write(e.getImage(), out, images));
                    case DONE -> done[0] = e.getDone();
                    default -> { }
                }
            });
        } finally {
            if (bar != null) bar.finish();
        }
        return new Outcome(written, done[0]);
    }

    /** PATH for one image, PATH-&lt;i&gt;.png for several; the movie and report sit beside it. */
    static Path pngPath(Path out, int image, int images) {
        String base = stem(out);
        return out.resolveSibling(images == 1 ? base + ".png" : base + "-" + image + ".png");
    }

    private static Written write(ImageResult r, Path out, int images) {
        Path png = pngPath(out, r.getImage(), images);
        String stem = stem(png);
        Path gif = png.resolveSibling(stem + ".allocation.gif");
        Path report = png.resolveSibling(stem + ".fairness.json");
        try {
            if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, r.getPng().toByteArray());
            Files.write(gif, r.getAllocationGif().toByteArray());
            Files.writeString(report, r.getFairnessReportJson());
            JsonNode json = JSON.readTree(r.getFairnessReportJson());
            double fict = 0;
            int n = 0;
            boolean game = false;
            for (JsonNode step : json.path("steps")) {
                fict += step.path("fictitious_share").asDouble();
                n++;
                for (JsonNode p : step.path("players")) game |= p.path("target").asDouble() > 0;
            }
            // Methods without a fair-division game have no targets: no slack to report.
            double minSlack = game ? json.path("min_slack").asDouble() : Double.NaN;
            return new Written(r.getImage(), r.getSeed(), png, gif, report, minSlack, n == 0 ? 0 : fict / n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** The worst fairness slack for printing: "n/a" without a game, tiny solver round-off shown as 0. */
    static String slack(double s) {
        if (Double.isNaN(s)) return "   n/a ";
        return String.format(java.util.Locale.ROOT, "%+.4f", Math.abs(s) < 5e-5 ? 0.0 : s);
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    }
}
