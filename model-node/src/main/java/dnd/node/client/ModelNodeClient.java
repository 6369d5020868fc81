package dnd.node.client;

import dnd.common.model.ModelCard;
import dnd.proto.DescribeRequest;
import dnd.proto.ModelNodeGrpc;
import dnd.proto.NodeStats;
import dnd.proto.StatsRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.concurrent.TimeUnit;

/**
 * A client of one model node: {@link #describe()}, and one {@link DenoiseSession} (a Denoise
 * stream) per job. Thread-safe; one client (one channel) can serve any number of jobs.
 */
public final class ModelNodeClient implements AutoCloseable {

    /** Large enough for a batch of 64 latents of 4x128x128 with their replies. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

    private final ManagedChannel channel;
    private final ModelNodeGrpc.ModelNodeBlockingStub blocking;
    private final ModelNodeGrpc.ModelNodeStub async;
    private final String endpoint;

    private ModelNodeClient(ManagedChannel channel, String endpoint) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.blocking = ModelNodeGrpc.newBlockingStub(channel);
        this.async = ModelNodeGrpc.newStub(channel);
    }

    /** A plaintext channel to host:port. */
    public static ModelNodeClient connect(String host, int port) {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(DEFAULT_MAX_MESSAGE_BYTES).build();
        return new ModelNodeClient(ch, host + ":" + port);
    }

    /** "host:port". */
    public static ModelNodeClient connect(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("endpoint must be host:port, got " + endpoint);
        return connect(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
    }

    public String endpoint() { return endpoint; }

    public dnd.proto.ModelCard describeProto(long timeoutMs) {
        return blocking.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).describe(DescribeRequest.getDefaultInstance());
    }

    public ModelCard describe() { return CardCodec.fromProto(describeProto(10_000)); }

    public NodeStats stats() {
        return blocking.withDeadlineAfter(10, TimeUnit.SECONDS).stats(StatsRequest.getDefaultInstance());
    }

    /** Opens the Denoise stream of one job. */
    public DenoiseSession open(String jobId) { return new DenoiseSession(async, jobId); }

    public ModelNodeGrpc.ModelNodeStub asyncStub() { return async; }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) channel.shutdownNow();
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
