package dnd.cli;

import com.typesafe.config.ConfigFactory;
import dnd.common.cluster.DndCluster;
import dnd.coordinator.Coordinator;
import dnd.coordinator.CoordinatorSettings;
import dnd.node.ModelNodeServer;
import dnd.node.NodeConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The one-machine default: a one-member Pekko cluster in this JVM that runs the same coordinator
 * and node code as a real deployment, talking over real loopback gRPC. One node per shipped model
 * (real models first; the test fixture, then the analytic Gaussian mixture, only when there is
 * none, and it says so).
 */
final class EmbeddedCluster implements AutoCloseable {

    /** Analytic stand-in when no model is shipped at all. */
    static final String GMM_FALLBACK = "default";

    /**
     * @param modelsDir where the shipped models are
     * @param only      model names to start (empty: all preferred ones)
     */
    record Options(Path modelsDir, Set<String> only) {
        static Options defaults(Path modelsDir) {
            return new Options(modelsDir == null ? ShippedModels.defaultDir() : modelsDir, Set.of());
        }
    }

    private final ActorSystem<Void> system;
    private final Coordinator coordinator;
    private final List<ModelNodeServer> nodes;
    private final List<String> models;

    private EmbeddedCluster(ActorSystem<Void> system, Coordinator coordinator, List<ModelNodeServer> nodes, List<String> models) {
        this.system = system;
        this.coordinator = coordinator;
        this.nodes = nodes;
        this.models = models;
    }

    static EmbeddedCluster start(Options options, PrintStream log) {
        List<ShippedModels.Shipped> shipped = ShippedModels.preferred(options.modelsDir()).stream()
                .filter(s -> options.only().isEmpty() || options.only().contains(s.name())).toList();
        List<NodeConfig> configs = new ArrayList<>();
        if (shipped.isEmpty()) {
            log.println("dnd: no model found in " + options.modelsDir() + "; using the analytic Gaussian-mixture denoiser instead (not a real model)");
            configs.add(NodeConfig.gmm(GMM_FALLBACK));
        } else {
            if (shipped.stream().allMatch(ShippedModels.Shipped::fixture))
                log.println("dnd: only test fixtures are shipped in " + options.modelsDir() + " (tiny, barely trained models); images will be poor");
            for (ShippedModels.Shipped s : shipped) configs.add(NodeConfig.model(s.dir()));
        }
        ActorSystem<Void> system = Coordinator.member("127.0.0.1", 0, List.of(),
                List.of(DndCluster.ROLE_COORDINATOR, DndCluster.ROLE_MODEL_NODE));
        List<ModelNodeServer> nodes = new ArrayList<>();
        Coordinator coordinator = null;
        try {
            CoordinatorSettings settings = CoordinatorSettings.from(ConfigFactory.load()).withGrpc("127.0.0.1", 0);
            coordinator = Coordinator.start(system, settings);
            for (NodeConfig c : configs) nodes.add(ModelNodeServer.start(c.withCluster(true, 0, List.of()), system));
            List<String> names = nodes.stream().map(n -> n.card().name()).distinct().toList();
            EmbeddedCluster cluster = new EmbeddedCluster(system, coordinator, nodes, names);
            cluster.awaitRegistered(Duration.ofSeconds(30));
            log.println("dnd: embedded cluster up: coordinator 127.0.0.1:" + coordinator.port() + ", models " + String.join(", ", names));
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(ModelNodeServer::close);
            if (coordinator != null) coordinator.close();
            system.terminate();
            throw e;
        }
    }

    /** host:port of the embedded coordinator's Composer service. */
    String target() { return "127.0.0.1:" + coordinator.port(); }

    List<String> models() { return models; }

    /** Waits until the coordinator's directory lists a replica of every started model. */
    private void awaitRegistered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ComposerClient client = new ComposerClient(target())) {
            while (true) {
                Set<String> live = new LinkedHashSet<>();
                client.listModels().getModelsList().forEach(m -> { if (m.getReplicasCount() > 0) live.add(m.getCard().getName()); });
                if (live.containsAll(models)) return;
                if (System.nanoTime() > deadline)
                    throw new IllegalStateException("embedded nodes did not register within " + timeout.toSeconds() + " s (registered: " + live + ")");
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded nodes", e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(ModelNodeServer::close);
        coordinator.close();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // shutting down anyway
        }
    }
}
