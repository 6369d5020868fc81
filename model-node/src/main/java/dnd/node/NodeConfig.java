package dnd.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How to run one model node. Exactly one backend: a model directory (TorchScript + model.json),
 * a synthetic spec, or a Gaussian-mixture spec. Ports may be 0 (pick a free one).
 *
 * @param cluster        join a Pekko cluster (false: gRPC only, e.g. for a bare benchmark)
 * @param maxBatch       most latents merged into one backend call, and the largest request batch
 * @param maxWaitMicros  how long the batcher waits for more requests to merge
 * @param maxMessageBytes gRPC inbound message limit; 0 derives it from the card and max batch
 * @param threads        libtorch intra-op threads (0: libtorch's default)
 * @param nodeId         name in logs and NodeInfo; empty: host:port
 * @param device         where a TorchScript model runs: "cpu", "gpu" or "gpu:N" (needs a CUDA libtorch, see docs/operations.md)
 * @param fixedBatch     pad every backend call to max batch latents, so that results do not depend on
 *                       batch mates and reproducible requests may merge too (checked at start)
 */
public record NodeConfig(
        Optional<Path> modelDir,
        Optional<String> synthetic,
        Optional<String> gmm,
        String host,
        int port,
        boolean cluster,
        int clusterPort,
        List<String> seedNodes,
        int maxBatch,
        long maxWaitMicros,
        int maxQueuedLatents,
        int maxMessageBytes,
        int threads,
        long drainTimeoutMillis,
        String nodeId,
        String device,
        boolean fixedBatch) {

    public NodeConfig {
        modelDir = modelDir == null ? Optional.empty() : modelDir;
        synthetic = synthetic == null ? Optional.empty() : synthetic;
        gmm = gmm == null ? Optional.empty() : gmm;
        int backends = (modelDir.isPresent() ? 1 : 0) + (synthetic.isPresent() ? 1 : 0) + (gmm.isPresent() ? 1 : 0);
        if (backends != 1) throw new IllegalArgumentException("choose exactly one backend: --model DIR, --synthetic SPEC or --gmm SPEC");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (clusterPort < 0 || clusterPort > 65535) throw new IllegalArgumentException("cluster port must be 0..65535, got " + clusterPort);
        seedNodes = List.copyOf(seedNodes == null ? List.of() : seedNodes);
        if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
        if (maxWaitMicros < 0) throw new IllegalArgumentException("max wait must be >= 0");
        if (maxQueuedLatents < maxBatch) throw new IllegalArgumentException("max queued latents must be >= max batch");
        if (maxMessageBytes < 0) throw new IllegalArgumentException("max message bytes must be >= 0");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0");
        nodeId = nodeId == null ? "" : nodeId;
        device = device == null || device.isBlank() ? "cpu" : device.trim().toLowerCase();
        if (!device.matches("cpu|gpu(:\\d+)?")) throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got " + device);
    }

    public static final int DEFAULT_MAX_BATCH = 16;
    public static final long DEFAULT_MAX_WAIT_MICROS = 2_000;

    /** A TorchScript model on loopback, ephemeral ports, a one-member cluster of its own. */
    public static NodeConfig model(Path dir) {
        return new NodeConfig(Optional.of(dir), Optional.empty(), Optional.empty(), "127.0.0.1", 0, true, 0, List.of(),
                DEFAULT_MAX_BATCH, DEFAULT_MAX_WAIT_MICROS, 1024, 0, 0, 30_000, "", "cpu", false);
    }

    public static NodeConfig synthetic(String spec) {
        return model(Path.of(".")).withBackend(Optional.empty(), Optional.of(spec), Optional.empty());
    }

    public static NodeConfig gmm(String spec) {
        return model(Path.of(".")).withBackend(Optional.empty(), Optional.empty(), Optional.of(spec));
    }

    private NodeConfig withBackend(Optional<Path> m, Optional<String> s, Optional<String> g) {
        return new NodeConfig(m, s, g, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents,
                maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withHost(String h) {
        return new NodeConfig(modelDir, synthetic, gmm, h, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withPort(int p) {
        return new NodeConfig(modelDir, synthetic, gmm, host, p, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withCluster(boolean on, int cPort, List<String> seeds) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, on, cPort, seeds, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withBatching(int batch, long waitMicros) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, batch, waitMicros,
                Math.max(maxQueuedLatents, batch), maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withLimits(int queuedLatents, int messageBytes) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, queuedLatents, messageBytes, threads, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withThreads(int t) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, t, drainTimeoutMillis, nodeId, device, fixedBatch);
    }

    public NodeConfig withNodeId(String id) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, id, device, fixedBatch);
    }

    public NodeConfig withDrainTimeout(long millis) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, millis, nodeId, device, fixedBatch);
    }

    public NodeConfig withDevice(String d) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, nodeId, d, fixedBatch);
    }

    public NodeConfig withFixedBatch(boolean on) {
        return new NodeConfig(modelDir, synthetic, gmm, host, port, cluster, clusterPort, seedNodes, maxBatch, maxWaitMicros, maxQueuedLatents, maxMessageBytes, threads, drainTimeoutMillis, nodeId, device, on);
    }
}
