package dnd.cli;

import dnd.common.compose.Compositions;
import dnd.proto.ComposeRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dnd sample}: composes one prompt (one or more images) and writes image, allocation movie and fairness report. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Compose players into images. Without --coordinator an embedded cluster (coordinator and one node per",
                "shipped model, in this JVM, over loopback gRPC) is started for the run.",
                "Writes PATH (PATH-<i>.png for several images), PATH.allocation.gif and PATH.fairness.json."})
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--player", required = true, paramLabel = "MODEL:CONCEPT",
            description = "A player: a model and the concept it draws, e.g. apparel:trouser or footwear:'red sneaker'. Repeat for each player.")
    List<String> players = new ArrayList<>();

    @Option(names = "--method", defaultValue = "dnd",
            description = "Composition method: average, composable, multidiffusion, amdm, dnd, dnd-nofair (--list-methods shows each one's options). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A method option, e.g. fairness=proportional or beta=0.001. Repeatable. "
            + "Options not given take the tuned values dnd eval uses (docs/results.md), e.g. dnd: beta=4, gamma=2, repel=2, guidance-from=previous.")
    List<String> options = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps (0: the models' recommendation).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", description = "Image seed; image i uses seed+i. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--images", defaultValue = "1", description = "Number of images. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--guidance-scale", defaultValue = "0", description = "Classifier-free guidance scale (0: the models' recommendation).")
    double guidanceScale;

    @Option(names = "--eta", defaultValue = "1", description = "DDIM eta (0: deterministic DDIM, 1: DDPM's ancestral noise, seeded). Default: ${DEFAULT-VALUE}.")
    double eta;

    @Option(names = "--x0-clip", defaultValue = "1", paramLabel = "C", description = "Clip x0-hat to [-C, C] at every step (pixel-space models in [-1, 1]); 0: off. Default: ${DEFAULT-VALUE}.")
    double x0Clip;

    @Option(names = "--out", defaultValue = "sample.png", paramLabel = "PATH", description = "Output image. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--job-id", defaultValue = "", description = "Job id (for dnd cancel); default: chosen by the coordinator.")
    String jobId;

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", description = "A running coordinator; without it an embedded cluster runs.")
    String coordinator;

    @Option(names = "--list-methods", help = true, description = "Print the composition methods and their options, then exit.")
    boolean listMethods;

    @Option(names = "--models", paramLabel = "DIR", description = "Embedded cluster: the models directory. Default: models/ of the dnd installation.")
    Path models;

    @Override
    public Integer call() {
        if (listMethods) {
            for (String m : Compositions.methods()) {
                System.out.println(m);
                Compositions.options(m).forEach((k, v) -> System.out.printf("  --option %s=...  %s%n", k, v));
            }
            return 0;
        }
        ComposeRequest.Builder request = ComposeRequest.newBuilder().setMethod(method).setSteps(steps).setSeed(seed).setImages(images)
                .setGuidanceScale(guidanceScale).setEta(eta).setX0Clip(x0Clip).setJobId(jobId);
        try {
            players.forEach(p -> request.addPlayers(Players.parse(p)));
            // the tuned options `dnd eval` reports (docs/results.md), then the user's on top
            request.putAllOptions(dnd.eval.MethodDefaults.forRequest(method));
            request.putAllOptions(Players.options(options));
        } catch (IllegalArgumentException e) {
            System.err.println("dnd sample: " + e.getMessage());
            return 2;
        }
        if (coordinator != null) return run(coordinator, request.build());
        Logging.quietUnlessAsked();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(EmbeddedCluster.Options.defaults(models), System.err)) {
            return run(cluster.target(), request.build());
        }
    }

    private int run(String target, ComposeRequest request) {
        try (ComposerClient client = new ComposerClient(target)) {
            ComposeRun.Outcome outcome = ComposeRun.run(client, request, out, System.err);
            for (ComposeRun.Written w : outcome.images())
                System.out.printf(Locale.ROOT, "%s  seed %d  min fairness slack %s  %s  %s%n", w.png(), w.seed(), ComposeRun.slack(w.minSlack()), w.gif(), w.report());
            System.err.printf(Locale.ROOT, "done: %d image(s) in %.1f s%n", outcome.done().getImages(), outcome.done().getWallMs() / 1000);
            if (!outcome.done().getFailoversMap().isEmpty())
                System.err.println("failovers (retried steps per model): " + outcome.done().getFailoversMap());
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("dnd sample: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return e.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT ? 2 : 1;
        }
    }
}
