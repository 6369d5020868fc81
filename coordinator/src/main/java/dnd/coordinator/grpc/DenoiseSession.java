package dnd.coordinator.grpc;

import dnd.proto.DenoiseReply;
import dnd.proto.DenoiseRequest;
import dnd.proto.ModelNodeGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One job's bidirectional Denoise stream to one replica: requests go out with a correlation id and
 * each returns a future of its reply. When the stream breaks, every pending future fails and the
 * session refuses new requests; the job then fails over to another replica.
 */
public final class DenoiseSession implements AutoCloseable {

    private final String endpoint;
    private final Map<Long, CompletableFuture<DenoiseReply>> pending = new ConcurrentHashMap<>();
    private final ClientCallStreamObserver<DenoiseRequest> requests;
    private volatile Throwable broken;

    public DenoiseSession(ManagedChannel channel, String endpoint) {
        this.endpoint = endpoint;
        Replies replies = new Replies();
        ModelNodeGrpc.newStub(channel).denoise(replies);
        this.requests = replies.requestStream;
    }

    public String endpoint() { return endpoint; }

    public boolean broken() { return broken != null; }

    /** Sends one request; the future completes with the node's reply, or fails when the stream breaks. */
    public synchronized CompletableFuture<DenoiseReply> send(DenoiseRequest request) {
        CompletableFuture<DenoiseReply> f = new CompletableFuture<>();
        if (broken != null) {
            f.completeExceptionally(broken);
            return f;
        }
        pending.put(request.getRequestId(), f);
        try {
            requests.onNext(request);
        } catch (RuntimeException e) {
            pending.remove(request.getRequestId());
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Forgets a request whose answer is no longer wanted (e.g. it timed out). */
    public void forget(long requestId) { pending.remove(requestId); }

    /** Ends the stream and frees the node's resources for this job. */
    @Override
    public synchronized void close() {
        if (broken == null) broken = Status.CANCELLED.withDescription("session closed").asRuntimeException();
        requests.cancel("job finished or moved to another replica", null);
        failAll(broken);
    }

    private void failAll(Throwable cause) {
        pending.values().forEach(f -> f.completeExceptionally(cause));
        pending.clear();
    }

    private final class Replies implements ClientResponseObserver<DenoiseRequest, DenoiseReply> {
        ClientCallStreamObserver<DenoiseRequest> requestStream;

        @Override
        public void beforeStart(ClientCallStreamObserver<DenoiseRequest> stream) { requestStream = stream; }

        @Override
        public void onNext(DenoiseReply reply) {
            CompletableFuture<DenoiseReply> f = pending.remove(reply.getRequestId());
            if (f != null) f.complete(reply);
        }

        @Override
        public void onError(Throwable t) {
            broken = t;
            failAll(t);
        }

        @Override
        public void onCompleted() {
            Throwable t = Status.UNAVAILABLE.withDescription("node " + endpoint + " ended the stream").asRuntimeException();
            broken = t;
            failAll(t);
        }
    }
}
