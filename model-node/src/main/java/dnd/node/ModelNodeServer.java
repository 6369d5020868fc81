package dnd.node;

import dnd.common.cluster.DndCluster;
import dnd.common.cluster.NodeService;
import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.node.backend.Backends;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One model node: the backend, the ModelNode gRPC server (with health and reflection), the
 * micro-batcher, and, when clustered, the NodeService actor registered with the Receptionist.
 * {@link #start(NodeConfig)} makes a cluster member of its own (the {@code dnd node} command);
 * {@link #start(NodeConfig, ActorSystem)} joins an existing member's system (the embedded
 * cluster of {@code dnd demo}). Shutdown, from {@link #close()} or SIGTERM through Pekko's
 * CoordinatedShutdown: deregister, refuse new streams and requests, finish the queued ones,
 * end open streams, stop gRPC, leave the cluster.
 */
public final class ModelNodeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelNodeServer.class);

    private final NodeConfig config;
    private final Denoiser denoiser;
    private final NodeStats stats = new NodeStats();
    private final MicroBatcher batcher;
    private final ModelNodeService service;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;
    private final ScheduledExecutorService statsLog;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Done> terminated = new CompletableFuture<>();
    private ActorSystem<?> system;          // set once in start
    private boolean ownsSystem;
    private ActorRef<NodeService.Command> nodeActor;
    private NodeService.NodeInfo info;

    private ModelNodeServer(NodeConfig config, Denoiser denoiser) {
        this.config = config;
        this.denoiser = denoiser;
        ModelCard card = denoiser.card().withMaxBatch(config.maxBatch());
        // Idle requests that must run alone run on the transport thread (directExecutor below): two thread hand-offs fewer per step.
        this.batcher = new MicroBatcher(runner(denoiser, config), config.maxBatch(), config.maxWaitMicros(), config.maxQueuedLatents(), stats, true);
        this.service = new ModelNodeService(card, new RequestValidator(card, config.maxBatch()), batcher, stats);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
                .maxInboundMessageSize(maxMessageBytes(card, config))
                // Handlers only validate and queue (the batcher's thread computes): running them on
                // the transport thread saves a thread hand-off per request.
                .directExecutor()
                .addService(service)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        this.statsLog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dnd-node-stats");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * With {@code fixedBatch}, every call is padded to max batch latents, provided the model passes
     * the batch-invariance check at that shape; otherwise reproducible requests keep running alone.
     */
    private static BatchRunner runner(Denoiser denoiser, NodeConfig config) {
        if (!config.fixedBatch()) return new BatchRunner(denoiser);
        BatchRunner padded = new BatchRunner(denoiser, Math.max(2, config.maxBatch()));
        FixedShapeCheck.Result check = FixedShapeCheck.run(padded);
        if (check.invariant()) {
            log.info("fixed batch: every call padded to {} latents; model {} is batch-invariant at that shape, so reproducible requests merge too",
                    padded.fixedLatents(), denoiser.card().name());
            return padded;
        }
        log.warn("fixed batch refused: model {} is not batch-invariant at a fixed shape (max difference {}); reproducible requests run alone",
                denoiser.card().name(), check.maxDifference());
        return new BatchRunner(denoiser);
    }

    /** True when every backend call is padded to one shape (fixed batch mode, check passed). */
    public boolean fixedBatchActive() { return batcher.mergesReproducible(); }

    /** Starts a node; with {@code config.cluster()} it is a cluster member of its own. */
    public static ModelNodeServer start(NodeConfig config) {
        Denoiser d = Backends.open(config);
        ActorSystem<?> system = null;
        if (config.cluster()) {
            try {
                system = ActorSystem.create(Behaviors.empty(), DndCluster.SYSTEM_NAME,
                        DndCluster.memberConfig(config.host(), config.clusterPort(), List.of(DndCluster.ROLE_MODEL_NODE), config.seedNodes()));
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
            if (config.seedNodes().isEmpty()) {
                Cluster cluster = Cluster.get(system);
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
        }
        return start(config, d, Optional.ofNullable(system), true);
    }

    /** Starts a node inside an existing cluster member (its ActorSystem is not stopped by {@link #close()}). */
    public static ModelNodeServer start(NodeConfig config, ActorSystem<?> system) {
        return start(config, Backends.open(config), Optional.of(system), false);
    }

    /** Starts a node around a given backend (the server closes it). */
    public static ModelNodeServer start(NodeConfig config, Denoiser denoiser, Optional<ActorSystem<?>> system, boolean ownsSystem) {
        ModelNodeServer s = new ModelNodeServer(config, denoiser);
        try {
            s.server.start();
        } catch (IOException e) {
            s.batcher.close();
            denoiser.close();
            system.filter(x -> ownsSystem).ifPresent(ActorSystem::terminate);
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        s.health.setStatus("", ServingStatus.SERVING);
        s.health.setStatus(dnd.proto.ModelNodeGrpc.SERVICE_NAME, ServingStatus.SERVING);
        String id = config.nodeId().isEmpty() ? config.host() + ":" + s.port() : config.nodeId();
        s.info = new NodeService.NodeInfo(s.card(), config.host(), s.port(), id);
        s.statsLog.scheduleAtFixedRate(s::logStatsIfChanged, 30, 30, TimeUnit.SECONDS);
        system.ifPresent(sys -> s.joinCluster(sys, ownsSystem));
        log.info("model node {} serving {} ({}, backend {}, sha256 {}) on {}:{}, max batch {}, max wait {} us",
                id, s.card().name(), s.card().synthetic() ? "SYNTHETIC" : "real", s.card().backend(), s.card().sha256(),
                config.host(), s.port(), config.maxBatch(), config.maxWaitMicros());
        return s;
    }

    private String lastSummary = "";

    /** Every 30 s, when anything happened since the last line. */
    private void logStatsIfChanged() {
        String summary = stats.summary();
        if (!summary.equals(lastSummary)) log.info("stats {} {}", info.nodeId(), summary);
        lastSummary = summary;
    }

    private void joinCluster(ActorSystem<?> sys, boolean owns) {
        this.system = sys;
        this.ownsSystem = owns;
        this.nodeActor = sys.systemActorOf(NodeServiceActor.create(info), "dnd-node-" + info.nodeId().replaceAll("[^A-Za-z0-9_-]", "_"), Props.empty());
        if (owns) {
            CoordinatedShutdown cs = CoordinatedShutdown.get(sys);
            cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "dnd-deregister", () -> deregister().thenApply(x -> Done.getInstance()));
            cs.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "dnd-stop-accepting", () -> {
                stopAccepting();
                return CompletableFuture.completedFuture(Done.getInstance());
            });
            cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "dnd-drain", () -> CompletableFuture.supplyAsync(() -> {
                drainAndStop();
                return Done.getInstance();
            }));
            sys.getWhenTerminated().whenComplete((d, e) -> {
                closeBackend();
                terminated.complete(Done.getInstance());
            });
        }
    }

    public int port() { return server.getPort(); }

    public String host() { return config.host(); }

    public String endpoint() { return config.host() + ":" + port(); }

    public ModelCard card() { return denoiser.card().withMaxBatch(config.maxBatch()); }

    public NodeService.NodeInfo nodeInfo() { return info; }

    public dnd.proto.NodeStats stats() { return stats.snapshot(); }

    public Optional<ActorSystem<?>> actorSystem() { return Optional.ofNullable(system); }

    /** host:port of this node's cluster member (Artery), when clustered. */
    public Optional<String> clusterEndpoint() {
        return actorSystem().map(sys -> {
            var a = Cluster.get(sys).selfMember().address();
            return a.getHost().orElse("?") + ":" + (a.getPort().isPresent() ? a.getPort().get() : -1);
        });
    }

    /** Completes when the node has stopped (after {@link #close()}, SIGTERM, or being downed). */
    public CompletionStage<Done> whenTerminated() { return terminated; }

    /** Graceful stop; blocks until done. Idempotent. */
    @Override
    public void close() {
        if (system != null && ownsSystem) {
            CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());
            terminated.toCompletableFuture().join();
            return;
        }
        if (nodeActor != null) deregister().toCompletableFuture().join();
        stopAccepting();
        drainAndStop();
        if (system != null && nodeActor != null) system.classicSystem().stop(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(nodeActor));
        closeBackend();
        terminated.complete(Done.getInstance());
    }

    private CompletionStage<?> deregister() {
        if (nodeActor == null) return CompletableFuture.completedFuture(null);
        return AskPattern.ask(nodeActor, NodeServiceActor.Deregister::new, Duration.ofSeconds(5), system.scheduler())
                .exceptionally(e -> {
                    log.warn("deregistration was not confirmed: {}", e.toString());
                    return null;
                });
    }

    private void stopAccepting() {
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(dnd.proto.ModelNodeGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
        server.shutdown(); // refuses new streams; open ones go on until drained
    }

    private void drainAndStop() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            if (!batcher.drain(config.drainTimeoutMillis())) log.warn("drain timed out after {} ms", config.drainTimeoutMillis());
            service.closeAllStreams();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        batcher.close();
        statsLog.shutdownNow();
        log.info("model node {} stopped; stats {}", info == null ? "" : info.nodeId(), stats.summary());
    }

    private void closeBackend() {
        try {
            denoiser.close();
        } catch (RuntimeException e) {
            log.warn("closing the backend failed: {}", e.toString());
        }
    }

    /** Room for a full batch of step or guidance requests, with headroom for framing. */
    static int maxMessageBytes(ModelCard card, NodeConfig config) {
        if (config.maxMessageBytes() > 0) return config.maxMessageBytes();
        long perItem = 4L * card.latentSize() + 4L * card.contextLength() * card.attentionShape()[0] * card.attentionShape()[1]
                + 16L * card.contextLength();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1 << 20, perItem * config.maxBatch() + (64 << 10)));
    }
}
