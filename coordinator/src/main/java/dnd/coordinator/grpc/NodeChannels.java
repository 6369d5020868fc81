package dnd.coordinator.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One gRPC channel per node endpoint, shared by every job (channels multiplex streams). */
public final class NodeChannels implements AutoCloseable {

    /** Room for a batch of latents and their attention maps. */
    private static final int MAX_MESSAGE_BYTES = 64 << 20;

    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public ManagedChannel get(String endpoint) {
        // Reply callbacks run on the channel's transport thread: they decode and prepare the answer
        // (a fraction of a millisecond of arithmetic, never blocking) and message the job actor. That
        // saves a thread hand-off per reply, and the replies of different nodes are prepared in parallel.
        return channels.computeIfAbsent(endpoint, e -> NettyChannelBuilder.forTarget(e).usePlaintext().directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES).build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
