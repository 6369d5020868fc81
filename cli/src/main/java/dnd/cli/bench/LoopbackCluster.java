package dnd.cli.bench;

import com.typesafe.config.ConfigFactory;
import dnd.coordinator.Coordinator;
import dnd.coordinator.CoordinatorSettings;
import dnd.proto.ComposerGrpc;
import dnd.proto.ListModelsRequest;
import dnd.proto.ModelCard;
import dnd.proto.ModelInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A real multi-process cluster on loopback: the coordinator (a cluster member of its own, in this
 * JVM, reached through its Composer gRPC service like any client would) and one node JVM per
 * {@link NodeSpec}, each joining the coordinator's cluster. Closing it stops the nodes (SIGTERM)
 * and the coordinator.
 */
final class LoopbackCluster implements AutoCloseable {

    /** One node to start: a name for logs and its backend flags, e.g. {@code --model DIR}. */
    record NodeSpec(String name, List<String> backend) {
        /** A synthetic fixed-cost node ({@code --synthetic SPEC}) named {@code name}. */
        static NodeSpec synthetic(String name, String spec) {
            return new NodeSpec(name, List.of("--synthetic", spec + ",name=" + name));
        }
    }

    private final ActorSystem<Void> system;
    private final Coordinator coordinator;
    private final List<NodeJvm> nodes;
    private final ManagedChannel channel;
    private final Map<String, ModelCard> cards = new LinkedHashMap<>();

    private LoopbackCluster(ActorSystem<Void> system, Coordinator coordinator, List<NodeJvm> nodes) {
        this.system = system;
        this.coordinator = coordinator;
        this.nodes = nodes;
        this.channel = NettyChannelBuilder.forTarget(target()).usePlaintext().maxInboundMessageSize(256 << 20).build();
    }

    /**
     * Failure-detector patience of every member. The product's 1 s pause detects a dead node fast;
     * several JVMs starting at once on a small, loaded box miss heartbeats for longer than that and
     * the split-brain resolver then downs members. A benchmark kills no node, so it waits longer.
     */
    private static final List<String> PATIENCE = List.of(
            "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=15s",
            "-Dpekko.remote.watch-failure-detector.acceptable-heartbeat-pause=20s");

    static LoopbackCluster start(List<NodeSpec> specs, NodeOptions options, PrintStream log) {
        for (String p : PATIENCE) {
            String[] kv = p.substring(2).split("=", 2);
            System.setProperty(kv[0], kv[1]);
        }
        ConfigFactory.invalidateCaches();
        int clusterPort = freePort();
        ActorSystem<Void> system = Coordinator.member("127.0.0.1", clusterPort, List.of(), List.of(Coordinator.ROLE));
        Coordinator coordinator = null;
        List<NodeJvm> nodes = new ArrayList<>();
        try {
            coordinator = Coordinator.start(system, CoordinatorSettings.from(ConfigFactory.load()).withGrpc("127.0.0.1", 0));
            long t0 = System.nanoTime();
            for (NodeSpec s : specs) {
                List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--cluster-port", "0",
                        "--seed-node", "127.0.0.1:" + clusterPort, "--node-id", s.name(), "--threads", Integer.toString(options.threads())));
                args.addAll(s.backend());
                List<String> jvm = new ArrayList<>(options.jvmOptions());
                jvm.addAll(PATIENCE);
                nodes.add(NodeJvm.launch(s.name(), jvm, args));
            }
            for (NodeJvm n : nodes) n.awaitReady(Duration.ofSeconds(180));
            LoopbackCluster cluster = new LoopbackCluster(system, coordinator, nodes);
            cluster.awaitRegistered(nodes.size(), Duration.ofSeconds(120));
            log.printf("bench: cluster up in %.1f s: coordinator %s, %d node JVM(s): %s%n", (System.nanoTime() - t0) / 1e9, cluster.target(),
                    nodes.size(), String.join(", ", cluster.cards.keySet()));
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(NodeJvm::close);
            if (coordinator != null) coordinator.close();
            system.terminate();
            throw e;
        }
    }

    String target() { return "127.0.0.1:" + coordinator.port(); }

    ManagedChannel channel() { return channel; }

    /** Each node's counters (backend calls, latents, mean backend time), by node name. */
    Map<String, dnd.proto.NodeStats> nodeStats() {
        Map<String, dnd.proto.NodeStats> out = new LinkedHashMap<>();
        for (NodeJvm n : nodes) {
            ManagedChannel c = NettyChannelBuilder.forTarget(n.endpoint()).usePlaintext().build();
            try {
                out.put(n.name(), dnd.proto.ModelNodeGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .stats(dnd.proto.StatsRequest.getDefaultInstance()));
            } finally {
                c.shutdownNow();
            }
        }
        return out;
    }

    CpuMeter cpuMeter() { return new CpuMeter(nodes.stream().map(NodeJvm::pid).toList()); }

    /** The cards of the registered models, by name, in registration order. */
    Map<String, ModelCard> cards() { return cards; }

    private void awaitRegistered(int models, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = "";
        while (true) {
            try {
                List<ModelInfo> listed = ComposerGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
                cards.clear();
                // by name, so players are the same whatever order the nodes registered in
                listed.stream().filter(m -> m.getReplicasCount() > 0).map(ModelInfo::getCard).sorted(java.util.Comparator.comparing(ModelCard::getName))
                        .forEach(c -> cards.put(c.getName(), c));
                seen = cards.keySet().toString();
                if (cards.size() >= models) return;
            } catch (StatusRuntimeException notYet) {
                seen = notYet.getStatus().toString();
            }
            if (System.nanoTime() > deadline)
                throw new IllegalStateException(models + " model(s) did not register within " + timeout.toSeconds() + " s (registered: " + seen
                        + "); do two nodes serve models of the same name?");
            sleep(200);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        nodes.parallelStream().forEach(NodeJvm::close);
        coordinator.close();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // shutting down anyway
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
