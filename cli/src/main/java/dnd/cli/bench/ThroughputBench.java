package dnd.cli.bench;

import dnd.proto.ComposeRequest;
import dnd.proto.ModelCard;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dnd bench throughput}: k jobs at once on the same nodes (one node JVM per shipped model),
 * with cross-job batching on (the nodes merge requests of different jobs into one forward pass)
 * and off (every request runs alone, reproducibly): images per minute and the speedup over k = 1.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Images per minute with k concurrent jobs (method dnd) on one node JVM per shipped model, cross-job batching",
                "on and off. speedup_vs_1 compares with k = 1 in the same mode, speedup_vs_1_alone with k = 1 without batching."})
public final class ThroughputBench implements Callable<Integer> {

    @Mixin
    BenchOptions common;

    @Mixin
    ShippedModelOptions shipped;

    @Option(names = "--jobs", split = ",", defaultValue = "1,4,16", paramLabel = "K", description = "Concurrent jobs. Default: ${DEFAULT-VALUE}.")
    List<Integer> jobs;

    @Option(names = "--players", defaultValue = "2", paramLabel = "N", description = "Players per job. Default: ${DEFAULT-VALUE}.")
    int players;

    @Option(names = "--method", defaultValue = "dnd", description = "Method. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps per job (0: the models' recommendation).")
    int steps;

    @Option(names = "--repeats", defaultValue = "1", description = "Timed rounds per row (median images/min). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = {"Overrides one of the method's shipped options (those of `dnd sample` and `dnd eval`; for dnd: " + Options.DND_SHIPPED_HELP})
    List<String> methodOptions = new ArrayList<>();

    @Option(names = "--synthetic", paramLabel = "SPEC",
            description = {"Serve synthetic fixed-cost nodes instead of the shipped models (one node JVM per player), e.g.",
                    "shape=3x32x32,attention=8x8,context=4,cost=8ms,per-item=0.2ms: a GPU-like host whose forward pass costs",
                    "about the same for one row or a batch. Measures the serving machinery without this box's CPU-bound models."})
    String synthetic;

    @Override
    public Integer call() {
        BenchOptions.quietLogs();
        Map<String, String> options = Options.shipped(this, method, methodOptions);
        Report report = new Report();
        try (LoopbackCluster cluster = LoopbackCluster.start(nodeSpecs(), common.nodeOptions(), System.err)) {
            JobDriver driver = new JobDriver(cluster.channel());
            List<Player> ps = Players.pick(new ArrayList<ModelCard>(cluster.cards().values()), players);
            System.err.println("  " + method + " options: " + Options.label(options));
            ComposeRequest base = ComposeRequest.newBuilder().setMethod(method).setSteps(steps).addAllPlayers(ps).putAllOptions(options).build();
            // warm-up: both paths of the nodes (alone and merged) and the coordinator
            for (boolean batching : new boolean[]{false, true}) driver.runConcurrently(requests(base, 4, batching, 1_000_000));
            List<Integer> ks = jobs.stream().sorted().distinct().toList();
            // Rounds visit every configuration in turn, so a change of the machine's load hits every row alike.
            Map<String, List<Double>> ipm = new java.util.HashMap<>(), stepMs = new java.util.HashMap<>();
            Map<String, List<Double>> batch = new java.util.HashMap<>(), busy = new java.util.HashMap<>();
            for (int r = 0; r < repeats; r++)
                for (boolean batching : new boolean[]{false, true})
                    for (int k : ks) {
                        Map<String, dnd.proto.NodeStats> before = cluster.nodeStats();
                        JobDriver.Concurrent run = driver.runConcurrently(requests(base, k, batching, (long) r * k));
                        Map<String, dnd.proto.NodeStats> after = cluster.nodeStats();
                        double calls = 0, items = 0, busiest = 0;
                        for (String node : after.keySet()) {
                            dnd.proto.NodeStats a = after.get(node), b = before.get(node);
                            long c = a.getForwardPasses() - b.getForwardPasses();
                            calls += c;
                            items += a.getBatchedItems() - b.getBatchedItems();
                            double busyMs = a.getMeanComputeMs() * a.getForwardPasses() - b.getMeanComputeMs() * b.getForwardPasses();
                            busiest = Math.max(busiest, busyMs / run.wallMs());
                        }
                        batch.computeIfAbsent(k + "/" + batching, x -> new ArrayList<>()).add(items / calls);
                        busy.computeIfAbsent(k + "/" + batching, x -> new ArrayList<>()).add(busiest);
                        ipm.computeIfAbsent(k + "/" + batching, x -> new ArrayList<>()).add(run.imagesPerMinute());
                        run.jobs().forEach(j -> j.steps().forEach(s -> stepMs.computeIfAbsent(k + "/" + batching, x -> new ArrayList<>()).add(s.stepMs())));
                    }
            for (boolean batching : new boolean[]{false, true})
                for (int k : ks) {
                    double perMin = Samples.median(ipm.get(k + "/" + batching));
                    Map<String, Object> row = report.row();
                    row.put("jobs", k);
                    row.put("batching", batching);
                    row.put("images_per_min", perMin);
                    row.put("speedup_vs_1", ipm.containsKey("1/" + batching) ? perMin / Samples.median(ipm.get("1/" + batching)) : Double.NaN);
                    row.put("speedup_vs_1_alone", ipm.containsKey("1/false") ? perMin / Samples.median(ipm.get("1/false")) : Double.NaN);
                    row.put("median_step_ms", Samples.median(stepMs.get(k + "/" + batching)));
                    row.put("mean_batch", Samples.median(batch.get(k + "/" + batching)));
                    row.put("busiest_node_busy", Samples.median(busy.get(k + "/" + batching)));
                    row.put("rounds", repeats);
                    System.err.printf(Locale.ROOT, "  k=%d batching=%s: %.1f images/min%n", k, batching, perMin);
                }
            report.rows().forEach(r -> {
                r.put("players", Players.label(ps));
                r.put("nodes", synthetic == null ? "shipped" : "synthetic " + synthetic);
            });
        }
        System.out.print(common.json ? report.json() : report.table());
        return 0;
    }

    /** One node JVM per shipped model, or with --synthetic one synthetic node per player. */
    private List<LoopbackCluster.NodeSpec> nodeSpecs() {
        if (synthetic == null) return ModelDirs.nodes(shipped.find());
        List<LoopbackCluster.NodeSpec> specs = new ArrayList<>();
        for (int i = 1; i <= players; i++)
            specs.add(LoopbackCluster.NodeSpec.synthetic("syn" + i, synthetic));
        return specs;
    }

    private static List<ComposeRequest> requests(ComposeRequest base, int k, boolean batching, long seed0) {
        List<ComposeRequest> out = new ArrayList<>();
        for (int i = 0; i < k; i++) out.add(base.toBuilder().setSeed(seed0 + i).setAllowBatching(batching).build());
        return out;
    }
}
