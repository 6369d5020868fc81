package dnd.cli;

import dnd.common.game.Fairness;
import dnd.common.game.SolverBenchmark;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dnd bench <name>}: performance figures. Each benchmark is a subcommand; {@code solver}
 * times the fair-division game, others (overhead, fanout, throughput, peer) plug in beside it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Performance benchmarks (see docs/benchmarks.md).",
        subcommands = {BenchCommand.Solver.class, dnd.cli.bench.OverheadBench.class, dnd.cli.bench.FanoutBench.class,
                dnd.cli.bench.ThroughputBench.class, dnd.cli.bench.PeerBench.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code dnd bench solver}: the allocation game's solve time per notion, size and start. */
    @Command(name = "solver", mixinStandardHelpOptions = true,
            description = "Time the fair-division solver on realistic step sequences (attention-like utilities drifting between steps). "
                    + "warm = previous step's lambda and allocation with slightly perturbed utilities; cold = the same game from lambda = 0.")
    static final class Solver implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print {\"results\":[...]} instead of a table.")
        boolean json;

        @Option(names = "--players", split = ",", defaultValue = "2,3,4,8", paramLabel = "N", description = "Numbers of real players. Default: ${DEFAULT-VALUE}.")
        List<Integer> players;

        @Option(names = "--features", split = ",", defaultValue = "1024,4096", paramLabel = "M", description = "Numbers of features (latent positions). Default: ${DEFAULT-VALUE}.")
        List<Integer> features;

        @Option(names = "--notions", split = ",", defaultValue = "proportional,envy-free,equitable,stacked", paramLabel = "NOTION",
                description = "Fairness notions: proportional, envy-free, equitable, stacked (all three). Default: ${DEFAULT-VALUE}.")
        List<String> notions;

        @Option(names = "--steps", defaultValue = "30", description = "Steps per sequence (timed: all but the first). Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(names = "--repeats", defaultValue = "5", description = "Times each sequence is re-solved. Default: ${DEFAULT-VALUE}.")
        int repeats;

        @Option(names = "--beta", defaultValue = "4", description = "beta' = beta * m, the KL weight. Default: ${DEFAULT-VALUE}.")
        double betaPrime;

        @Option(names = "--delta", defaultValue = "0.05", description = "Share relaxation. Default: ${DEFAULT-VALUE}.")
        double delta;

        @Override
        public Integer call() {
            List<Map.Entry<String, Set<Fairness>>> chosen = new ArrayList<>();
            for (String n : notions) {
                String key = n.trim().toLowerCase(Locale.ROOT);
                if (key.equals("stacked")) chosen.add(Map.entry("stacked", EnumSet.allOf(Fairness.class)));
                else {
                    try {
                        chosen.add(Map.entry(key, Fairness.parseSet(key)));
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--notions: " + e.getMessage());
                    }
                }
            }
            if (steps < 2) throw new CommandLine.ParameterException(spec.commandLine(), "--steps: must be >= 2, got " + steps);
            if (repeats < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--repeats: must be >= 1, got " + repeats);
            if (!(betaPrime > 0)) throw new CommandLine.ParameterException(spec.commandLine(), "--beta: must be > 0, got " + betaPrime);
            if (!(delta >= 0 && delta < 1)) throw new CommandLine.ParameterException(spec.commandLine(), "--delta: must be in [0,1), got " + delta);
            for (int n : players) if (n < 1 || n > 64) throw new CommandLine.ParameterException(spec.commandLine(), "--players: " + n + " is outside 1..64");
            for (int m : features) if (m < 1 || m > 1 << 20) throw new CommandLine.ParameterException(spec.commandLine(), "--features: " + m + " is outside 1..1048576");
            SolverBenchmark bench = new SolverBenchmark(steps, repeats, betaPrime, delta);
            // JIT warm-up on the largest shape, not reported
            int maxN = players.stream().max(Integer::compare).orElse(2), maxM = features.stream().max(Integer::compare).orElse(1024);
            for (var e : chosen) new SolverBenchmark(Math.min(steps, 10), 1, betaPrime, delta).run(e.getKey(), e.getValue(), maxN, maxM);
            List<SolverBenchmark.Result> results = new ArrayList<>();
            for (var e : chosen)
                for (int n : players)
                    for (int m : features) {
                        List<SolverBenchmark.Result> r = bench.run(e.getKey(), e.getValue(), n, m);
                        results.addAll(r);
                        if (!json) for (SolverBenchmark.Result x : r) System.err.printf(Locale.ROOT, "  %s n=%d m=%d %s: %.3f ms%n", x.notion(), n, m, x.start(), x.medianMs());
                    }
            System.out.print(json ? json(results) : table(results));
            return 0;
        }

        static String table(List<SolverBenchmark.Result> results) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-13s %3s %6s %-5s %10s %10s %7s %9s%n", "notion", "n", "m", "start", "median_ms", "p90_ms", "iters", "max_kkt"));
            for (SolverBenchmark.Result r : results)
                sb.append(String.format(Locale.ROOT, "%-13s %3d %6d %-5s %10.3f %10.3f %7.2f %9.1e%n", r.notion(), r.n(), r.m(), r.start(),
                        r.medianMs(), r.p90Ms(), r.meanIterations(), r.maxKkt()));
            return sb.toString();
        }

        static String json(List<SolverBenchmark.Result> results) {
            StringBuilder sb = new StringBuilder("{\"results\":[");
            for (int i = 0; i < results.size(); i++) {
                SolverBenchmark.Result r = results.get(i);
                if (i > 0) sb.append(',');
                sb.append(String.format(Locale.ROOT,
                        "{\"notion\":\"%s\",\"n\":%d,\"m\":%d,\"start\":\"%s\",\"median_ms\":%.4f,\"p90_ms\":%.4f,\"mean_iterations\":%.3f,\"max_kkt\":%.3e,\"samples\":%d}",
                        r.notion(), r.n(), r.m(), r.start(), r.medianMs(), r.p90Ms(), r.meanIterations(), r.maxKkt(), r.samples()));
            }
            return sb.append("]}\n").toString();
        }
    }
}
