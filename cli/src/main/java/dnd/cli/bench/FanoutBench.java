package dnd.cli.bench;

import dnd.proto.ComposeRequest;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dnd bench fanout}: how step latency grows with the number of nodes a step fans out to.
 * Synthetic fixed-cost nodes (each call parks for the cost, as a host waiting on its GPU), one JVM
 * each, one player per node, method dnd: with perfect fan-out the step takes the same time at
 * any n.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Step latency of method dnd over n synthetic fixed-cost nodes (one JVM and one player each), relative to n = 1.",
                "The first step of every job is not counted. Progress on stderr, the table (or --json) on stdout."})
public final class FanoutBench implements Callable<Integer> {

    @Mixin
    BenchOptions common;

    @Option(names = "--nodes", split = ",", defaultValue = "1,2,4,8", paramLabel = "N", description = "Numbers of nodes. Default: ${DEFAULT-VALUE}.")
    List<Integer> nodes;

    @Option(names = "--shape", defaultValue = "4x64x64", description = "Synthetic latent shape CxHxW. Default: ${DEFAULT-VALUE}.")
    String shape;

    @Option(names = "--cost", defaultValue = "20ms", description = "Synthetic cost per backend call. Default: ${DEFAULT-VALUE}.")
    String cost;

    @Option(names = "--steps", defaultValue = "20", description = "Sampling steps per job. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed jobs per row. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed jobs per row first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = {"Overrides one of dnd's shipped options (those of `dnd sample` and `dnd eval`: " + Options.DND_SHIPPED_HELP})
    List<String> dndOptions = new ArrayList<>();

    @Override
    public Integer call() {
        BenchOptions.quietLogs();
        Map<String, String> options = Options.shipped(this, "dnd", dndOptions);
        int max = nodes.stream().max(Integer::compare).orElse(1);
        if (nodes.stream().anyMatch(n -> n < 1 || n > 8))
            throw new CommandLine.ParameterException(new CommandLine(this), "--nodes: each must be in 1..8 (the coordinator's player limit)");
        List<LoopbackCluster.NodeSpec> specs = new ArrayList<>();
        for (int i = 1; i <= max; i++)
            specs.add(LoopbackCluster.NodeSpec.synthetic("syn" + i, "shape=" + shape + ",cost=" + cost));
        Report report = new Report();
        try (LoopbackCluster cluster = LoopbackCluster.start(specs, common.nodeOptions(), System.err)) {
            JobDriver driver = new JobDriver(cluster.channel());
            List<Integer> ns = nodes.stream().sorted().distinct().toList();
            Map<Integer, ComposeRequest.Builder> requests = new java.util.LinkedHashMap<>();
            System.err.println("  dnd options: " + Options.label(options));
            for (int n : ns) {
                List<Player> ps = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    var card = cluster.cards().get("syn" + i);
                    ps.add(Player.newBuilder().setModel(card.getName()).setConcept(card.getItems(0)).build());
                }
                requests.put(n, ComposeRequest.newBuilder().setMethod("dnd").setSteps(steps).addAllPlayers(ps).putAllOptions(options));
            }
            Map<Integer, Rounds.Measured> measured = Rounds.run(driver, cluster.cpuMeter(), requests, warmup, repeats, 0);
            double base = ns.get(0) == 1 ? Samples.median(measured.get(1).stepMs()) : Double.NaN;
            for (int n : ns) {
                Rounds.Measured m = measured.get(n);
                double[] stepMs = m.stepMs();
                double step = Samples.median(stepMs);
                Map<String, Object> row = report.row();
                row.put("n", n);
                row.put("latency_ratio_vs_n1", step / base);
                row.put("median_step_ms", step);
                row.put("median_compute_ms", Samples.median(m.computeMs()));
                row.put("median_coord_ms", Samples.median(m.coordinatorMs()));
                row.put("p90_step_ms", Samples.quantile(stepMs, 0.9));
                row.put("coord_cpu_ms_per_step", m.coordCpuMsPerStep());
                row.put("nodes_cpu_ms_per_step", m.nodesCpuMsPerStep());
                row.put("coord_jit_ms_per_step", m.coordJitMsPerStep());
                row.put("samples", stepMs.length);
                System.err.printf(Locale.ROOT, "  n=%d: step %.2f ms (ratio %.3f)%n", n, step, step / base);
            }
        }
        System.out.print(common.json ? report.json() : report.table());
        return 0;
    }
}
