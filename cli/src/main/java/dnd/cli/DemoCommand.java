package dnd.cli;

import dnd.proto.ComposeRequest;
import dnd.proto.ModelInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dnd demo}: starts the embedded cluster with the shipped models and composes a fixed set
 * of two-player prompts with Divide-and-Denoise, MultiDiffusion and plain averaging on the same seeds; writes
 * every image with its allocation movie and fairness report, and a side-by-side contact sheet.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Compose a fixed set of two-player prompts with dnd, multidiffusion and average (same seeds, the options dnd eval uses) on an embedded cluster",
                "of the shipped models; writes images, allocation movies, fairness reports and a contact sheet."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "dnd-out", paramLabel = "DIR", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--models", paramLabel = "DIR", description = "The models directory. Default: models/ of the dnd installation.")
    Path models;

    @Option(names = "--methods", split = ",", defaultValue = "dnd,multidiffusion,average", description = "Methods to compare. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--prompts", defaultValue = "4", description = "Number of prompts. Default: ${DEFAULT-VALUE}.")
    int prompts;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps (0: the models' recommendation).")
    int steps;

    @Option(names = "--x0-clip", defaultValue = "1", paramLabel = "C", description = "Clip x0-hat to [-C, C] at every step (pixel-space models in [-1, 1]); 0: off. Default: ${DEFAULT-VALUE}.")
    double x0Clip;

    @Option(names = "--eta", defaultValue = "1", description = "DDIM eta (0: deterministic DDIM, 1: DDPM's ancestral noise, seeded). Default: ${DEFAULT-VALUE}.")
    double eta;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the first prompt; prompt k uses seed+k for every method. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--parallel", defaultValue = "2", description = "Jobs run at once. Default: ${DEFAULT-VALUE}.")
    int parallel;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Logging.quietUnlessAsked();
        Files.createDirectories(out);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(EmbeddedCluster.Options.defaults(models), System.err);
             ComposerClient client = new ComposerClient(cluster.target())) {
            List<ModelInfo> served = client.listModels().getModelsList();
            List<DemoPrompts.Prompt> list = DemoPrompts.make(served, prompts);
            List<List<Future<ComposeRun.Outcome>>> grid = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
            try {
                for (int k = 0; k < list.size(); k++) {
                    List<Future<ComposeRun.Outcome>> row = new ArrayList<>();
                    for (String method : methods) {
                        ComposeRequest request = ComposeRequest.newBuilder().addAllPlayers(list.get(k).players()).setMethod(method)
                                .putAllOptions(dnd.eval.MethodDefaults.forRequest(method))   // each method as dnd eval scores it
                                .setSteps(steps).setX0Clip(x0Clip).setEta(eta).setSeed(seed + k).setImages(1).build();
                        Path png = out.resolve(list.get(k).slug() + "-" + method + ".png");
                        row.add(pool.submit(() -> ComposeRun.run(client, request, png, null)));
                    }
                    grid.add(row);
                }
                List<List<byte[]>> sheet = new ArrayList<>();
                for (int k = 0; k < list.size(); k++) {
                    List<byte[]> pngs = new ArrayList<>();
                    for (int j = 0; j < methods.size(); j++) {
                        ComposeRun.Outcome o = grid.get(k).get(j).get();
                        ComposeRun.Written w = o.images().get(0);
                        System.out.printf(Locale.ROOT, "%-48s %-10s seed %-3d min slack %s  fictitious share %.2f  %.1f s  -> %s%n",
                                list.get(k).label(), methods.get(j), w.seed(), ComposeRun.slack(w.minSlack()), w.meanFictitiousShare(),
                                o.done().getWallMs() / 1000, w.png());
                        pngs.add(Files.readAllBytes(w.png()));
                    }
                    sheet.add(pngs);
                }
                Path sheetPath = out.resolve("contact-sheet.png");
                Files.write(sheetPath, ContactSheets.render(sheet, list.stream().map(DemoPrompts.Prompt::label).toList(), methods));
                System.out.printf(Locale.ROOT, "contact sheet (rows: prompts; columns: %s) -> %s%n", String.join(", ", methods), sheetPath);
            } finally {
                pool.shutdownNow();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.printf(Locale.ROOT, "dnd demo: done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
