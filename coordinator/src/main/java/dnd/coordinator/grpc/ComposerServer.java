package dnd.coordinator.grpc;

import dnd.coordinator.CoordinatorSettings;
import dnd.coordinator.directory.NodeDirectory;
import dnd.coordinator.job.JobManager;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/** Owns the Composer gRPC server (with health and reflection) and shuts it down cleanly. */
public final class ComposerServer implements AutoCloseable {

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();

    public ComposerServer(ActorSystem<?> system, ActorRef<NodeDirectory.Command> directory, ActorRef<JobManager.Command> jobs,
                          CoordinatorSettings settings) {
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.grpcPort()))
                .addService(new ComposerService(system, directory, jobs, settings))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.grpcPort() + ": " + e.getMessage(), e);
        }
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus("dnd.v1.Composer", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    }

    /** The port it listens on (the chosen one when configured with 0). */
    public int port() { return server.getPort(); }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(3, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
