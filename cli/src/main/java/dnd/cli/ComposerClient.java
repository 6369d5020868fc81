package dnd.cli;

import dnd.proto.CancelReply;
import dnd.proto.CancelRequest;
import dnd.proto.ClusterReply;
import dnd.proto.ClusterRequest;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.ListModelsReply;
import dnd.proto.ListModelsRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A client of a coordinator's Composer service. */
final class ComposerClient implements AutoCloseable {

    private final String target;
    private final ManagedChannel channel;

    ComposerClient(String target) {
        this.target = target;
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(256 << 20).build();
    }

    String target() { return target; }

    ListModelsReply listModels() {
        return ComposerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance());
    }

    ClusterReply cluster() {
        return ComposerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).cluster(ClusterRequest.getDefaultInstance());
    }

    boolean cancel(String jobId) {
        CancelReply r = ComposerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .cancel(CancelRequest.newBuilder().setJobId(jobId).build());
        return r.getCancelled();
    }

    /** Runs a composition to its end, handing every event to {@code onEvent}; throws the job's error. */
    void compose(ComposeRequest request, Consumer<ComposeEvent> onEvent) {
        Iterator<ComposeEvent> events = ComposerGrpc.newBlockingStub(channel).compose(request);
        while (events.hasNext()) onEvent.accept(events.next());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
