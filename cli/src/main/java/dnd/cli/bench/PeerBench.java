package dnd.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.proto.ComposeRequest;
import dnd.proto.ModelCard;
import dnd.proto.Player;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dnd bench peer}: dnd against what a researcher would write, a plain single-process
 * PyTorch loop over the same TorchScript files ({@code training/peer_sampler.py --bench}), with
 * the same players, method dnd, steps, guidance scale and seeds. One job: wall time of a
 * one-image job (dnd: from the request to its last event, PNG, allocation movie and fairness
 * report included). K jobs: images per minute, dnd running them at once, the peer one after
 * another (and, as a further row, as one batch, which a serving loop of independent requests
 * cannot do without the batching dnd's nodes do).
 */
@Command(name = "peer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"dnd on a loopback cluster (one node JVM per shipped model) against a single-process PyTorch loop",
                "(training/peer_sampler.py with Debian's torch) running the same composition: one job's wall time, and",
                "images per minute with --jobs jobs. The cluster runs first and is stopped before the peer runs."})
public final class PeerBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    BenchOptions common;

    @Mixin
    ShippedModelOptions shipped;

    @Option(names = "--players", defaultValue = "2", paramLabel = "N", description = "Players (player i plays model i mod M). Default: ${DEFAULT-VALUE}.")
    int players;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps (0: the first model's recommendation).")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed one-image jobs on each side. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--jobs", defaultValue = "8", description = "Jobs of the throughput rows. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first job. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = {"Overrides one of dnd's shipped options on both sides (" + Options.DND_SHIPPED_HELP,
            "The peer implements beta, delta, gamma, repel and guidance-from, with proportional fairness and the attention utility."})
    List<String> dndOptions = new ArrayList<>();

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch for the peer. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--peer-script", paramLabel = "FILE", description = "Default: training/peer_sampler.py of the dnd installation.")
    Path script;

    @Option(names = "--peer-threads", defaultValue = "0",
            description = "torch intra-op threads of the peer (0: torch's default, every core, as a researcher's script runs). Default: ${DEFAULT-VALUE}.")
    int peerThreads;

    @Override
    public Integer call() throws IOException, InterruptedException {
        BenchOptions.quietLogs();
        Map<String, String> options = Options.shipped(this, "dnd", dndOptions);
        // refuses what the peer does not implement, before anything starts
        List<String> peerOptions = Options.asUsageError(this, () -> PeerOptions.arguments(options));
        System.err.println("  dnd options (both sides): " + Options.label(options));
        List<ModelDirs.Shipped> models = shipped.find();
        List<Player> ps;
        int k;
        double guidance;
        double dndOneMs;
        Map<Boolean, Double> dndPerMin = new java.util.HashMap<>();
        try (LoopbackCluster cluster = LoopbackCluster.start(ModelDirs.nodes(models), common.nodeOptions(), System.err)) {
            JobDriver driver = new JobDriver(cluster.channel());
            List<ModelCard> cards = new ArrayList<>(cluster.cards().values());
            ps = Players.pick(cards, players);
            ModelCard first = cluster.cards().get(ps.get(0).getModel());
            k = steps > 0 ? steps : first.getRecommendedSteps();
            guidance = first.getGuidanceScale();
            ComposeRequest base = ComposeRequest.newBuilder().setMethod("dnd").setSteps(k).setGuidanceScale(guidance).addAllPlayers(ps).putAllOptions(options).build();
            driver.run(base.toBuilder().setSeed(seed + 1_000_000).build()); // warm-up
            List<Double> one = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                JobDriver.JobTiming job = driver.run(base.toBuilder().setSeed(seed + r).build());
                one.add(job.clientWallMs());
                System.err.printf(Locale.ROOT, "  dnd: one job %.1f ms at the client, %.1f ms in the coordinator, of which steps %.1f ms (node compute %.1f ms)%n",
                        job.clientWallMs(), job.coordinatorWallMs(), job.steps().stream().mapToDouble(JobDriver.StepTime::stepMs).sum(),
                        job.steps().stream().mapToDouble(JobDriver.StepTime::computeMs).sum());
            }
            dndOneMs = Samples.median(one);
            System.err.printf(Locale.ROOT, "  dnd: one job %.1f ms%n", dndOneMs);
            for (boolean batching : new boolean[]{false, true}) {
                List<ComposeRequest> rs = new ArrayList<>();
                for (int i = 0; i < jobs; i++) rs.add(base.toBuilder().setSeed(seed + i).setAllowBatching(batching).build());
                driver.runConcurrently(rs.subList(0, Math.min(2, jobs))); // warm-up of this path
                double perMin = driver.runConcurrently(rs).imagesPerMinute();
                dndPerMin.put(batching, perMin);
                System.err.printf(Locale.ROOT, "  dnd: %d jobs at once, batching %s: %.1f images/min%n", jobs, batching, perMin);
            }
        }
        JsonNode peer = runPeer(models, ps, k, guidance, peerOptions);
        double peerOne = Samples.median(doubles(peer.path("one_job_ms")));
        double peerSeq = jobs / (Samples.median(doubles(peer.path("sequential_ms"))) / 60_000.0);
        double peerBatched = jobs / (Samples.median(doubles(peer.path("batched_ms"))) / 60_000.0);
        System.err.printf(Locale.ROOT, "  peer: one job %.1f ms, %d jobs: %.1f images/min one after another, %.1f as one batch (torch threads %d)%n",
                peerOne, jobs, peerSeq, peerBatched, peer.path("threads").asInt());

        Report report = new Report();
        Map<String, Object> row = report.row();
        row.put("jobs", 1);
        row.put("dnd_ms", dndOneMs);
        row.put("peer_ms", peerOne);
        row.put("dnd_over_peer_time", dndOneMs / peerOne);
        for (boolean batching : new boolean[]{false, true}) {
            row = report.row();
            row.put("jobs", jobs);
            row.put("batching", batching);
            row.put("peer", "sequential");
            row.put("dnd_images_per_min", dndPerMin.get(batching));
            row.put("peer_images_per_min", peerSeq);
            row.put("dnd_over_peer_throughput", dndPerMin.get(batching) / peerSeq);
        }
        row = report.row();
        row.put("jobs", jobs);
        row.put("batching", true);
        row.put("peer", "one-batch");
        row.put("dnd_images_per_min", dndPerMin.get(true));
        row.put("peer_images_per_min", peerBatched);
        row.put("dnd_over_peer_throughput", dndPerMin.get(true) / peerBatched);
        for (Map<String, Object> r : report.rows()) {
            r.put("steps", k);
            r.put("peer_threads", peer.path("threads").asInt());
            r.put("players", Players.label(ps));
        }
        System.out.print(common.json ? report.json() : report.table());
        return 0;
    }

    private JsonNode runPeer(List<ModelDirs.Shipped> models, List<Player> ps, int k, double guidance, List<String> peerOptions) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("dnd.home", "."));
        Path file = script != null ? script : home.resolve("training/peer_sampler.py");
        List<String> cmd = new ArrayList<>(List.of(python, file.toString(), "--bench", "--method", "dnd", "--steps", Integer.toString(k),
                "--cfg", Double.toString(guidance), "--seed", Long.toString(seed), "--repeats", Integer.toString(repeats),
                "--jobs", Integer.toString(jobs), "--threads", Integer.toString(peerThreads)));
        cmd.addAll(peerOptions);
        for (Player p : ps) {
            Path dir = models.stream().filter(m -> m.name().equals(p.getModel())).findFirst().orElseThrow().dir();
            cmd.addAll(List.of("--player", dir.toAbsolutePath().toString(), p.getConcept()));
        }
        Path err = Files.createTempFile("dnd-bench-peer-", ".log");
        try {
            Process proc = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0)
                throw new IllegalStateException("the peer failed: " + String.join(" ", cmd) + "\n" + Files.readString(err));
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            return JSON.readTree(last);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }
}
