package dnd.cli.bench;

import dnd.proto.ComposeRequest;
import dnd.proto.ModelCard;
import dnd.proto.Player;
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

    @Mixin
    ShippedModelOptions shipped;

    @Option(names = "--methods", split = ",", defaultValue = "average,dnd", description = "Methods. Default: ${DEFAULT-VALUE}.")
    List<String> methods;

    @Option(names = "--players", split = ",", defaultValue = "2,3", paramLabel = "N",
            description = "Numbers of players (player i plays model i mod M). Default: ${DEFAULT-VALUE}.")
    List<Integer> players;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps per job (0: the models' recommendation).")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed jobs per row. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--warmup", defaultValue = "40", description = {"Untimed jobs per row first, so that the rows time a cluster whose JVMs have",
            "done most of their compiling (coord_jit_ms_per_step shows what is left). Default: ${DEFAULT-VALUE}."})
    int warmup;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first timed job (job r uses seed + r). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = {"Overrides one of dnd's shipped options (those of `dnd sample` and `dnd eval`: " + Options.DND_SHIPPED_HELP})
    List<String> dndOptions = new ArrayList<>();

    @Override
    public Integer call() {
        BenchOptions.quietLogs();
        // Each method's options, checked before the cluster starts (dnd's --options even when no dnd method runs).
        Options.shipped(this, "dnd", dndOptions);
        Map<String, Map<String, String>> optionsOf = new java.util.LinkedHashMap<>();
        for (String method : methods) optionsOf.put(method, Options.shipped(this, method, method.startsWith("dnd") ? dndOptions : List.of()));
        List<ModelDirs.Shipped> models = shipped.find();
        Report report = new Report();
        try (LoopbackCluster cluster = LoopbackCluster.start(ModelDirs.nodes(models), common.nodeOptions(), System.err)) {
            JobDriver driver = new JobDriver(cluster.channel());
            List<ModelCard> cards = new ArrayList<>(cluster.cards().values());
            record Config(String method, int n, List<Player> players, ComposeRequest.Builder request) {}
            List<Config> configs = new ArrayList<>();
            for (String method : methods) {
                System.err.println("  " + method + " options: " + Options.label(optionsOf.get(method)));
                for (int n : players) {
                    List<Player> ps = Players.pick(cards, n);
                    ComposeRequest.Builder request = ComposeRequest.newBuilder().setMethod(method).setSteps(steps).addAllPlayers(ps)
                            .putAllOptions(optionsOf.get(method));
                    configs.add(new Config(method, n, ps, request));
                }
            }
            Map<Config, ComposeRequest.Builder> requests = new java.util.LinkedHashMap<>();
            for (Config c : configs) requests.put(c, c.request());
            Map<Config, Rounds.Measured> measured = Rounds.run(driver, cluster.cpuMeter(), requests, warmup, repeats, seed);
            for (Config c : configs) {
                Rounds.Measured m = measured.get(c);
                double[] stepMs = m.stepMs(), computeMs = m.computeMs();
                double[] overheadMs = new double[stepMs.length];
                for (int i = 0; i < stepMs.length; i++) overheadMs[i] = stepMs[i] - computeMs[i];
                double step = Samples.median(stepMs), compute = Samples.median(computeMs);
                Map<String, Object> row = report.row();
                row.put("method", c.method());
                row.put("n", c.n());
                row.put("overhead_ratio", step / compute);
                row.put("median_step_ms", step);
                row.put("median_compute_ms", compute);
                row.put("median_overhead_ms", Samples.median(overheadMs));
                row.put("median_coord_ms", Samples.median(m.coordinatorMs()));
                row.put("p90_step_ms", Samples.quantile(stepMs, 0.9));
                row.put("client_wall_per_step_ms", Samples.median(m.clientWallPerStep()));
                row.put("coord_cpu_ms_per_step", m.coordCpuMsPerStep());
                row.put("nodes_cpu_ms_per_step", m.nodesCpuMsPerStep());
                row.put("coord_jit_ms_per_step", m.coordJitMsPerStep());
                row.put("samples", stepMs.length);
                row.put("players", Players.label(c.players()));
                System.err.printf(java.util.Locale.ROOT, "  %s n=%d: step %.2f ms, compute %.2f ms, ratio %.3f%n", c.method(), c.n(), step, compute, step / compute);
            }
        }
        System.out.print(common.json ? report.json() : report.table());
        return 0;
    }
}
