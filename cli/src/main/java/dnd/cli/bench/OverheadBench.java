package dnd.cli.bench;

import dnd.proto.ComposeRequest;
import dnd.proto.ModelCard;
import dnd.proto.Player;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dnd bench overhead}: the cost of distribution. A loopback cluster (this JVM's coordinator,
 * one node JVM per shipped model) runs jobs one after another; each step's wall time at the
 * coordinator is divided by the node compute on its critical path (per phase, the busiest node's
 * own forward / VJP time, as the nodes report it).
 */
@Command(name = "overhead", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cost of distribution: median step time / median node compute on the step's critical path (overhead_ratio),",
                "on a loopback cluster with one node JVM per shipped model. The first step of every job (it opens the job's",
                "streams) is not counted. Progress on stderr, the table (or --json) on stdout."})
public final class OverheadBench implements Callable<Integer> {

    @Mixin
    BenchOptions common;

    @Option(names = "--models", paramLabel = "DIR", description = "Models directory. Default: models/ of the dnd installation.")
    Path modelsDir;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Serve only these models (default: every real shipped model).")
    List<String> only = new ArrayList<>();

    @Option(names = "--methods", split = ",", defaultValue = "average,dnd", description = "Methods. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--players", split = ",", defaultValue = "2,3", paramLabel = "N",
            description = "Numbers of players (player i plays model i mod M). Default: ${DEFAULT-VALUE}.")
    List<Integer> players;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps per job (0: the models' recommendation).")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed jobs per row. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed jobs per row first (JIT, streams). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first timed job (job r uses seed + r). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "An option of method dnd, e.g. gamma=1 (guidance: a VJP round trip per step). Repeatable.")
    List<String> dndOptions = new ArrayList<>();

    @Override
    public Integer call() {
        BenchOptions.quietLogs();
        List<ModelDirs.Shipped> models = ModelDirs.find(modelsDir != null ? modelsDir : ModelDirs.defaultDir(), only);
        Report report = new Report();
        try (LoopbackCluster cluster = LoopbackCluster.start(ModelDirs.nodes(models), common.nodeOptions(), System.err)) {
            JobDriver driver = new JobDriver(cluster.channel());
            List<ModelCard> cards = new ArrayList<>(cluster.cards().values());
            for (String method : methods)
                for (int n : players) {
                    List<Player> ps = Players.pick(cards, n);
                    ComposeRequest.Builder request = ComposeRequest.newBuilder().setMethod(method).setSteps(steps).addAllPlayers(ps);
                    if (method.startsWith("dnd")) request.putAllOptions(Options.parse(dndOptions));
                    for (int w = 0; w < warmup; w++) driver.run(request.setSeed(seed + 1_000_000 + w).build());
                    List<Double> stepMs = new ArrayList<>(), computeMs = new ArrayList<>(), overheadMs = new ArrayList<>(), wallPerStep = new ArrayList<>();
                    for (int r = 0; r < repeats; r++) {
                        JobDriver.JobTiming job = driver.run(request.setSeed(seed + r).build());
                        wallPerStep.add(job.clientWallMs() / job.steps().size());
                        for (JobDriver.StepTime s : job.steps()) {
                            if (s.step() == 0) continue;
                            stepMs.add(s.stepMs());
                            computeMs.add(s.computeMs());
                            overheadMs.add(s.stepMs() - s.computeMs());
                        }
                    }
                    double step = Samples.median(stepMs), compute = Samples.median(computeMs);
                    Map<String, Object> row = report.row();
                    row.put("method", method);
                    row.put("n", n);
                    row.put("overhead_ratio", step / compute);
                    row.put("median_step_ms", step);
                    row.put("median_compute_ms", compute);
                    row.put("median_overhead_ms", Samples.median(overheadMs));
                    row.put("p90_step_ms", Samples.quantile(stepMs.stream().mapToDouble(Double::doubleValue).toArray(), 0.9));
                    row.put("client_wall_per_step_ms", Samples.median(wallPerStep));
                    row.put("samples", stepMs.size());
                    row.put("players", Players.label(ps));
                    System.err.printf(java.util.Locale.ROOT, "  %s n=%d: step %.2f ms, compute %.2f ms, ratio %.3f%n", method, n, step, compute, step / compute);
                }
        }
        System.out.print(common.json ? report.json() : report.table());
        return 0;
    }
}
