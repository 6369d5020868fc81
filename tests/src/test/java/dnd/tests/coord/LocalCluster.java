package dnd.tests.coord;

import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.ListModelsRequest;
import dnd.proto.ModelInfo;
import dnd.proto.ModelNodeGrpc;
import dnd.proto.NodeStats;
import dnd.proto.Player;
import dnd.proto.StatsRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real processes on loopback: a coordinator JVM and model-node JVMs started from the packaged
 * {@code cli/target/dnd.jar}, each logging to {@code tests/target/cluster-logs/}. Closing it kills
 * whatever is still running.
 */
final class LocalCluster implements AutoCloseable {

    /** A started JVM and its ports. */
    record Proc(String name, Process process, int grpcPort, int clusterPort) {
        String endpoint() { return "127.0.0.1:" + grpcPort; }
    }

    private final Path jar;
    private final Path logs;
    private final List<Proc> procs = new ArrayList<>();
    private final java.util.Set<Proc> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, ManagedChannel> channels = new java.util.HashMap<>();
    private Proc coordinator;

    LocalCluster(String testName) {
        Path root = Path.of(System.getProperty("dnd.repo.root", "..")).toAbsolutePath().normalize();
        this.jar = root.resolve("cli/target/dnd.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: package the cli module first (mvn package -pl cli -am)");
        this.logs = root.resolve("tests/target/cluster-logs/" + testName);
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the coordinator (the oldest member, which the split-brain resolver keeps). */
    Proc startCoordinator(String... extra) {
        int grpc = freePort(), cluster = freePort();
        List<String> args = new ArrayList<>(List.of("coordinator", "--port", "" + grpc, "--cluster-port", "" + cluster));
        args.addAll(List.of(extra));
        coordinator = launch("coordinator", args, grpc, cluster);
        return coordinator;
    }

    /** Starts a node joining the coordinator; {@code backend} is e.g. {@code --gmm SPEC} or {@code --synthetic SPEC}. */
    Proc startNode(String name, String... backend) {
        int grpc = freePort(), cluster = freePort();
        List<String> args = new ArrayList<>(List.of("node", "--port", "" + grpc, "--cluster-port", "" + cluster,
                "--seed-node", "127.0.0.1:" + coordinator.clusterPort, "--node-id", name));
        args.addAll(List.of(backend));
        return launch(name, args, grpc, cluster);
    }

    private Proc launch(String name, List<String> args, int grpc, int cluster) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-Xss1m", "-jar", jar.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        try {
            Proc p = new Proc(name, pb.start(), grpc, cluster);
            procs.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The coordinator's Composer service. */
    ComposerGrpc.ComposerBlockingStub composer() { return ComposerGrpc.newBlockingStub(channel(coordinator.endpoint())); }

    ComposerGrpc.ComposerStub composerAsync() { return ComposerGrpc.newStub(channel(coordinator.endpoint())); }

    NodeStats nodeStats(Proc node) {
        return ModelNodeGrpc.newBlockingStub(channel(node.endpoint())).withDeadlineAfter(5, TimeUnit.SECONDS).stats(StatsRequest.getDefaultInstance());
    }

    /**
     * A dnd job of one image on two players of the same (synthetic) model, "red square" and
     * "circle": the job the failover tests disturb.
     */
    static ComposeRequest twoPlayerJob(String jobId, String model, int steps, long seed, Map<String, String> options) {
        return ComposeRequest.newBuilder().setJobId(jobId)
                .addPlayers(Player.newBuilder().setModel(model).setConcept("red square"))
                .addPlayers(Player.newBuilder().setModel(model).setConcept("circle"))
                .setMethod("dnd").putAllOptions(options).setSteps(steps).setSeed(seed).setImages(1).build();
    }

    /**
     * One of the candidates that is running and has a job's Denoise stream open, i.e. serves a
     * job now; a candidate that does not answer its stats (e.g. stopping) does not count.
     */
    Optional<Proc> servingReplica(List<Proc> candidates) {
        return candidates.stream().filter(p -> p.process.isAlive()).filter(p -> {
            try {
                return nodeStats(p).getOpenStreams() > 0;
            } catch (StatusRuntimeException notAnswering) {
                return false;
            }
        }).findFirst();
    }

    /** Waits until the coordinator lists at least the given number of live replicas per model. */
    void awaitReplicas(Map<String, Integer> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = "";
        while (System.nanoTime() < deadline) {
            assertAlive();
            try {
                List<ModelInfo> models = composer().withDeadlineAfter(2, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
                seen = models.stream().map(m -> m.getCard().getName() + "=" + m.getReplicasCount()).toList().toString();
                boolean all = wanted.entrySet().stream().allMatch(w -> models.stream()
                        .anyMatch(m -> m.getCard().getName().equals(w.getKey()) && m.getReplicasCount() >= w.getValue()));
                if (all) return;
            } catch (StatusRuntimeException notYet) {
                seen = notYet.getStatus().toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replicas " + wanted + " not registered within " + timeout.toSeconds() + " s; coordinator sees " + seen + "; logs in " + logs);
    }

    /** Waits until the coordinator lists the given number of refused replicas of a model. */
    void awaitRefused(String model, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertAlive();
            boolean seen = composer().withDeadlineAfter(2, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance()).getModelsList()
                    .stream().anyMatch(m -> m.getCard().getName().equals(model) && m.getRefusedCount() >= count);
            if (seen) return;
            Thread.sleep(200);
        }
        throw new AssertionError(count + " refused replica(s) of " + model + " not listed within " + timeout.toSeconds() + " s; logs in " + logs);
    }

    /** Every process the test did not kill itself is still running (a signal from outside shows as exit 128+n). */
    private void assertAlive() {
        for (Proc p : procs)
            if (!killed.contains(p) && !p.process.isAlive())
                throw new AssertionError(p.name + " exited with " + p.process.exitValue() + "; see " + logs.resolve(p.name + ".log"));
    }

    /** Sends a signal (e.g. STOP) to a process. */
    void signal(Proc p, String signal) {
        try {
            int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.process.pid())).inheritIO().start().waitFor();
            if (rc != 0) throw new IllegalStateException("kill -" + signal + " " + p.process.pid() + " exited with " + rc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM (a graceful stop); the process is expected to exit, so it is no longer checked as alive. */
    void stop(Proc p) {
        killed.add(p);
        p.process.destroy();
    }

    /** kill -9. */
    void kill(Proc p) throws InterruptedException {
        killed.add(p);
        p.process.destroyForcibly();
        p.process.waitFor(10, TimeUnit.SECONDS);
    }

    private synchronized ManagedChannel channel(String endpoint) {
        return channels.computeIfAbsent(endpoint, e -> NettyChannelBuilder.forTarget(e).usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (Proc p : procs) p.process.destroyForcibly();
        for (Proc p : procs) {
            try {
                p.process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String javaBin() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on, below Linux's ephemeral range (32768-60999), and never the same
     * twice in this JVM. A port from the ephemeral range, found free, could become the local port
     * of some connection between the pick and the process binding it ("Failed to bind", seen
     * once in a run of every cross-process test).
     */
    private static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!HANDED_OUT.add(port)) continue;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-31999");
    }
}
