package dnd.cli;

import dnd.eval.ComposerImageSource;
import dnd.eval.EvalPlan;
import dnd.eval.EvalRunner;
import dnd.eval.ImageRecord;
import dnd.eval.MethodDefaults;
import dnd.eval.ObjectDetector;
import dnd.eval.OutputWriter;
import dnd.eval.ProgressListener;
import dnd.eval.ResultsJson;
import dnd.eval.ResultsTable;
import dnd.eval.SamplerSettings;
import dnd.eval.Score;
import dnd.eval.Scores;
import dnd.eval.Specialist;
import dnd.eval.Task;
import dnd.proto.ModelInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code dnd eval}: GenEval-style scores of composition methods on the shipped specialists. Every
 * image is made through the Composer service (an embedded cluster by default, or a running
 * coordinator) and judged in Java by the committed evaluator (object finder + TorchScript
 * classifier + colour check).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores composition methods GenEval-style: %%images (mean per-image correctness)",
                "and %%prompts (prompts with at least one correct image) per task and method.",
                "Tasks: two_object (two players from two specialists), color_attr (two players,",
                "different colours, colours checked), three_object (three specialists).",
                "Method options: see docs/results.md; override with --option METHOD.KEY=VALUE."})
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--methods", split = ",", paramLabel = "M[,M...]", hideParamSyntax = true, description = "methods to score (default: ${DEFAULT-VALUE})")
    List<String> methods = new ArrayList<>(MethodDefaults.METHODS);

    @Option(names = "--tasks", split = ",", paramLabel = "T[,T...]", hideParamSyntax = true, description = "tasks to run (default: ${DEFAULT-VALUE})")
    List<String> tasks = new ArrayList<>(Task.ids());

    @Option(names = "--prompts", paramLabel = "P", description = "prompts per task (default: ${DEFAULT-VALUE})")
    int prompts = 50;

    @Option(names = "--images-per-prompt", paramLabel = "N", description = "images per prompt (default: ${DEFAULT-VALUE})")
    int imagesPerPrompt = 4;

    @Option(names = "--steps", paramLabel = "K", description = "sampling steps; 0 = the models' recommendation (default: ${DEFAULT-VALUE})")
    int steps = 0;

    @Option(names = "--guidance-scale", paramLabel = "W", description = "classifier-free guidance scale of every player; 0 = the models' recommendation (default: ${DEFAULT-VALUE})")
    double guidanceScale = 0;

    @Option(names = "--x0-clip", paramLabel = "C", description = "clip x0-hat to [-C, C] at every step (the shipped pixel models live in [-1, 1]); 0 = off (default: ${DEFAULT-VALUE})")
    double x0Clip = 1;

    @Option(names = "--eta", paramLabel = "E", description = "DDIM eta of every step: 0 = deterministic DDIM, 1 = DDPM's ancestral noise, drawn from each image's seed (default: ${DEFAULT-VALUE})")
    double eta = 1;

    @Option(names = "--seed", paramLabel = "S", description = "draws the prompts and image seeds (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--dev", description = "use the development seed set (disjoint from the reported one) for tuning")
    boolean dev;

    @Option(names = "--option", paramLabel = "METHOD.KEY=VALUE", description = "override one of a method's default options (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--specialists", split = ",", paramLabel = "MODEL[,MODEL...]", hideParamSyntax = true,
            description = "models the prompts draw players from (default: every model the cluster serves whose items the evaluator knows)")
    List<String> specialists = new ArrayList<>();

    @Option(names = "--json", description = "print the scores as JSON instead of a table")
    boolean json;

    @Option(names = "--markdown", description = "print the table as Markdown")
    boolean markdown;

    @Option(names = "--out", paramLabel = "DIR", description = "write every image, prompts.json, verdicts.json and a contact sheet per method under DIR")
    Path out;

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", description = "use a running coordinator instead of an embedded cluster")
    String coordinator;

    @Option(names = "--models", paramLabel = "DIR", description = "models folder of the embedded cluster (default: the installation's models/)")
    Path modelsDir;

    @Option(names = "--evaluator", paramLabel = "DIR", description = "evaluator folder (default: the installation's models/evaluator)")
    Path evaluatorDir;

    @Option(names = "--deadline", paramLabel = "SECONDS", description = "deadline of one composition (default: ${DEFAULT-VALUE})")
    long deadlineSeconds = 900;

    @Option(names = "--parallel", paramLabel = "N", description = "compositions in flight at once; results do not depend on it (default: ${DEFAULT-VALUE})")
    int parallel = 2;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    @Override
    public Integer call() {
        List<Task> taskList;
        Map<String, Map<String, String>> options;
        SamplerSettings sampler;
        try {
            taskList = tasks.stream().map(Task::parse).toList();
            options = MethodDefaults.withOverrides(overrides);
            for (String m : methods) MethodDefaults.of(m);
            sampler = new SamplerSettings(steps, guidanceScale, x0Clip, eta);
            new EvalPlan(taskList, methods, options, List.of(), prompts, imagesPerPrompt, sampler, seed, dev); // validates before anything starts
            if (parallel < 1) throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
        } catch (IllegalArgumentException e) {
            System.err.println("dnd eval: " + e.getMessage());
            return 2;
        }
        Path evalDir = evaluatorDir != null ? evaluatorDir : ShippedModels.defaultDir().resolve("evaluator");
        try (ObjectDetector detector = ObjectDetector.load(evalDir);
             Cluster cluster = Cluster.open(coordinator, modelsDir, specialists)) {
            ManagedChannel channel = cluster.channel();
            List<Specialist> pool = specialists(channel, detector.card().classes());
            EvalPlan plan = new EvalPlan(taskList, methods, options, pool, prompts, imagesPerPrompt, sampler, seed, dev);
            Optional<OutputWriter> writer = Optional.ofNullable(out).map(OutputWriter::new);
            ProgressListener progress = noProgress ? ProgressListener.NONE : new dnd.eval.ProgressBar(System.err, System.console() != null);
            List<ImageRecord> records = new EvalRunner(new ComposerImageSource(channel, deadlineSeconds), detector, writer, progress, parallel).run(plan);
            Map<Task, Map<String, Score>> scores = Scores.aggregate(records);
            var resultJson = ResultsJson.of(scores, plan);
            List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
            if (!args.isEmpty() && args.get(0).equals("eval")) args.remove(0); // the parse result holds the parent's view
            String command = "./dnd eval " + String.join(" ", args);
            writer.ifPresent(w -> w.results(resultJson, ResultsTable.markdown(scores), command));
            java.io.PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(json ? ResultsJson.pretty(resultJson) + "\n" : markdown ? ResultsTable.markdown(scores) : ResultsTable.text(scores));
            stdout.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("dnd eval: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("dnd eval: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The specialists the prompts draw from, sorted by name so prompts do not depend on discovery
     * order. A coordinator that was just started may not list its nodes yet: ask again for up to
     * {@code MODELS_WAIT_SECONDS} while none qualifies.
     */
    private List<Specialist> specialists(ManagedChannel channel, List<String> classes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MODELS_WAIT_SECONDS);
        while (true) {
            try {
                return specialistsOnce(channel, classes);
            } catch (IllegalArgumentException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster's models", e);
            }
        }
    }

    private static final int MODELS_WAIT_SECONDS = 20;

    private List<Specialist> specialistsOnce(ManagedChannel channel, List<String> classes) {
        Set<String> known = new LinkedHashSet<>();
        classes.forEach(c -> known.add(dnd.eval.ClassNames.normalise(c)));
        List<Specialist> out = new ArrayList<>();
        List<String> served = new ArrayList<>();
        for (ModelInfo m : dnd.proto.ComposerGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(dnd.proto.ListModelsRequest.getDefaultInstance()).getModelsList()) {
            var card = m.getCard();
            served.add(card.getName());
            if (m.getReplicasCount() == 0 || card.getSynthetic() || card.getItemsCount() == 0 || card.getColoursCount() == 0) continue;
            if (!specialists.isEmpty() && !specialists.contains(card.getName())) continue;
            if (!card.getItemsList().stream().allMatch(i -> known.contains(dnd.eval.ClassNames.normalise(i)))) continue;
            out.add(new Specialist(card.getName(), card.getItemsList(), card.getColoursList()));
        }
        for (String s : specialists)
            if (out.stream().noneMatch(x -> x.model().equals(s)))
                throw new IllegalArgumentException("--specialists: model '" + s + "' is not served (with items the evaluator knows); served: " + served);
        if (out.isEmpty()) throw new IllegalArgumentException("no servable specialist whose items the evaluator knows; served: " + served);
        out.sort(Comparator.comparing(Specialist::model));
        return out;
    }

    /** The Composer endpoint: a running coordinator, or an embedded cluster started for this run. */
    private record Cluster(ManagedChannel channel, Optional<EmbeddedCluster> embedded) implements AutoCloseable {

        static Cluster open(String coordinator, Path modelsDir, List<String> only) {
            Optional<EmbeddedCluster> embedded = Optional.empty();
            String target = coordinator;
            if (target == null) {
                EmbeddedCluster.Options o = EmbeddedCluster.Options.defaults(modelsDir);
                EmbeddedCluster c = EmbeddedCluster.start(new EmbeddedCluster.Options(o.modelsDir(), Set.copyOf(only)), System.err);
                embedded = Optional.of(c);
                target = c.target();
            }
            ManagedChannel ch = NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(256 << 20).build();
            return new Cluster(ch, embedded);
        }

        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            embedded.ifPresent(EmbeddedCluster::close);
        }
    }
}
