package dnd.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dnd.node.ModelNodeServer;
import dnd.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code dnd node}: serve one model to the cluster until SIGTERM. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Serve one model over gRPC as a member of the dnd Pekko cluster (role model-node).",
                "Defaults come from the dnd.node.* keys of application.conf (see model-node's reference.conf).",
                "Prints 'dnd node ready: ...' on stdout once it serves; SIGTERM deregisters, finishes in-flight requests and leaves."})
public final class NodeCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory: model.json and the TorchScript file it names.")
    Path model;

    @Option(names = "--synthetic", paramLabel = "SPEC",
            description = "Serve a SYNTHETIC fixed-cost stand-in instead of a model, e.g. shape=4x64x64,cost=20ms[,per-item=1ms][,attention=16x16][,context=8][,name=synthetic].")
    String synthetic;

    @Option(names = "--gmm", paramLabel = "SPEC", description = "Serve the analytic Gaussian-mixture denoiser (exact eps, maps and VJPs; for tests): default, or name=gmm,shape=16x16,attention=8x8.")
    String gmm;

    @Option(names = "--host", description = "Address to bind gRPC to and to advertise in the cluster (default 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "gRPC port; 0 picks a free one (default 7101).")
    Integer port;

    @Option(names = "--cluster-port", description = "Pekko cluster (Artery) port; 0 picks a free one (default 2552).")
    Integer clusterPort;

    @Option(names = "--seed-node", paramLabel = "HOST:PORT", description = "A cluster seed node (repeatable). None: form a cluster of its own.")
    List<String> seedNodes;

    @Option(names = "--max-batch", description = "Most latents merged into one backend call, and the largest batch one request may carry (default 16).")
    Integer maxBatch;

    @Option(names = "--max-wait", paramLabel = "MS", description = "Milliseconds the batcher waits for more requests to merge (default 2; 0: merge only what is queued).")
    Double maxWaitMs;

    @Option(names = "--max-queued", description = "Latents that may wait; beyond that requests get RESOURCE_EXHAUSTED (default 1024).")
    Integer maxQueued;

    @Option(names = "--max-message-bytes", description = "gRPC inbound message limit; 0 derives it from the model card and --max-batch.")
    Integer maxMessageBytes;

    @Option(names = "--threads", description = "libtorch intra-op threads (0: libtorch's default).")
    Integer threads;

    @Option(names = "--device", description = "Where a TorchScript model runs: cpu, gpu or gpu:N (gpu needs a CUDA libtorch: PYTORCH_LIBRARY_PATH, see docs/operations.md).")
    String device;

    @Option(names = "--fixed-batch", negatable = true,
            description = "Pad every backend call to --max-batch latents so that results do not depend on batch mates; reproducible requests then merge across jobs too (checked at start; default off).")
    Boolean fixedBatch;

    @Option(names = "--node-id", description = "Name of this node in logs and the cluster (default host:port).")
    String nodeId;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelNodeServer node;
        try {
            node = ModelNodeServer.start(config());
        } catch (IllegalArgumentException | java.io.UncheckedIOException | UnsupportedOperationException e) {
            spec.commandLine().getErr().println("dnd node: " + e.getMessage());
            return 2;
        }
        System.out.println("dnd node ready: model=" + node.card().name() + " backend=" + node.card().backend()
                + (node.card().synthetic() ? " SYNTHETIC" : "") + " grpc=" + node.endpoint()
                + " cluster=" + node.clusterEndpoint().orElse("-") + " sha256=" + node.card().sha256());
        System.out.flush();
        java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
        onTermination(node, asked);
        node.whenTerminated().toCompletableFuture().join();
        if (asked.get()) return 0;
        // stopped without being asked (downed by the split brain resolver, or the cluster shut it
        // down): a non-zero status lets a service manager restart it so that it rejoins
        spec.commandLine().getErr().println("dnd node: stopped without a stop request (removed from the cluster?); exiting with status 3");
        return 3;
    }

    NodeConfig config() {
        Config c = ConfigFactory.load().getConfig("dnd.node");
        return new NodeConfig(Optional.ofNullable(model), Optional.ofNullable(synthetic), Optional.ofNullable(gmm),
                host != null ? host : c.getString("host"),
                port != null ? port : c.getInt("port"),
                true,
                clusterPort != null ? clusterPort : c.getInt("cluster-port"),
                seedNodes != null ? seedNodes : c.getStringList("seed-nodes"),
                maxBatch != null ? maxBatch : c.getInt("max-batch"),
                maxWaitMs != null ? Math.round(maxWaitMs * 1000) : c.getDuration("max-wait", TimeUnit.MICROSECONDS),
                maxQueued != null ? maxQueued : c.getInt("max-queued"),
                maxMessageBytes != null ? maxMessageBytes : c.getInt("max-message-bytes"),
                threads != null ? threads : c.getInt("threads"),
                c.getDuration("drain-timeout", TimeUnit.MILLISECONDS),
                nodeId != null ? nodeId : "",
                device != null ? device : c.getString("device"),
                fixedBatch != null ? fixedBatch : c.getBoolean("fixed-batch"));
    }

    /**
     * SIGTERM / SIGINT: a graceful stop (deregister, finish in-flight requests, leave the cluster)
     * followed by exit status 0, so service managers see a clean stop rather than 143.
     */
    private static void onTermination(ModelNodeServer node, java.util.concurrent.atomic.AtomicBoolean asked) {
        try {
            for (String name : new String[]{"TERM", "INT"})
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    asked.set(true);
                    new Thread(node::close, "dnd-node-stop").start();
                });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no signal support here: the JVM's shutdown hook (Pekko's CoordinatedShutdown) still stops the node gracefully
            asked.set(true);
        }
    }
}
