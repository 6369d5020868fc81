package dnd.cli;

import com.typesafe.config.ConfigFactory;
import dnd.coordinator.Coordinator;
import dnd.coordinator.CoordinatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dnd coordinator}: a cluster member with role coordinator that runs jobs and serves the Composer API. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Run a coordinator: joins (or founds) the Pekko cluster, follows the model nodes that register,",
                "and serves the Composer gRPC API (Compose, ListModels, Cluster, Cancel; health and reflection on)."})
final class CoordinatorCommand implements Callable<Integer> {

    @Option(names = "--host", description = "Address to bind and advertise (gRPC and cluster). Default: dnd.coordinator.host (127.0.0.1).")
    String host;

    @Option(names = "--port", description = "Composer gRPC port. Default: dnd.coordinator.grpc-port (7000).")
    Integer port;

    @Option(names = "--cluster-port", defaultValue = "2551", description = "Pekko cluster (Artery) port. Default: ${DEFAULT-VALUE}.")
    int clusterPort;

    @Option(names = "--seed-node", paramLabel = "HOST:PORT",
            description = "Cluster seed (another coordinator). Repeatable. None: this coordinator founds the cluster.")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--step-deadline", converter = DurationConverter.class, description = "A node request unanswered this long is retried on another replica (e.g. 20s). Default: dnd.coordinator.step-deadline.")
    Duration stepDeadline;

    @Option(names = "--grace-period", converter = DurationConverter.class, description = "A job fails only when a model has had no live replica this long (e.g. 10s). Default: dnd.coordinator.grace-period.")
    Duration gracePeriod;

    @Override
    public Integer call() throws Exception {
        CoordinatorSettings d = CoordinatorSettings.from(ConfigFactory.load());
        if (host == null) host = d.host();
        CoordinatorSettings settings = new CoordinatorSettings(host, port != null ? port : d.grpcPort(), stepDeadline != null ? stepDeadline : d.stepDeadline(),
                gracePeriod != null ? gracePeriod : d.gracePeriod(), d.retryInterval(), d.describeTimeout(), d.maxPlayers(), d.maxImages());
        ActorSystem<Void> system = Coordinator.member(host, clusterPort, seeds, List.of(Coordinator.ROLE));
        Coordinator coordinator;
        try {
            coordinator = Coordinator.start(system, settings);
        } catch (RuntimeException e) {
            system.terminate();
            System.err.println("dnd coordinator: " + e.getMessage());
            return 1;
        }
        java.util.concurrent.atomic.AtomicBoolean stopRequested = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.set(true);
            coordinator.close();
            system.terminate();
        }, "dnd-coordinator-shutdown"));
        System.out.printf("dnd coordinator: Composer gRPC on %s:%d, cluster member pekko://%s@%s:%d%n", host, coordinator.port(),
                system.name(), host, clusterPort);
        System.out.flush();
        system.getWhenTerminated().toCompletableFuture().join();
        if (stopRequested.get()) return 0;
        // The member left the cluster without being asked (e.g. downed by the split-brain resolver).
        coordinator.close();
        System.err.println("dnd coordinator: the cluster member stopped without a stop request (downed?); exiting");
        return 3;
    }
}
