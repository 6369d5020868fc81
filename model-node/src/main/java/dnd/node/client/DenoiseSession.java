package dnd.node.client;

import dnd.proto.DenoiseReply;
import dnd.proto.DenoiseRequest;
import dnd.proto.GuidanceReply;
import dnd.proto.GuidanceRequest;
import dnd.proto.ModelNodeGrpc;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Denoise stream of one job. Each request gets a fresh request id; its future completes with
 * the reply, exceptionally with {@link NodeRequestException} when the node rejected that request
 * (the stream stays usable), or with a {@code StatusRuntimeException} when the stream failed
 * (every pending request fails with it; open a new session to go on). Thread-safe.
 */
public final class DenoiseSession implements AutoCloseable {

    private final String jobId;
    private final StreamObserver<DenoiseRequest> requests;
    private final Map<Long, CompletableFuture<DenoiseReply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Throwable failure;

    DenoiseSession(ModelNodeGrpc.ModelNodeStub stub, String jobId) {
        this.jobId = jobId;
        this.requests = stub.denoise(new Replies());
    }

    public String jobId() { return jobId; }

    public CompletableFuture<StepReply> step(StepRequest step) {
        return send(DenoiseRequest.newBuilder().setStep(step)).thenApply(r -> unwrap(r).getStep());
    }

    public CompletableFuture<GuidanceReply> guidance(GuidanceRequest g) {
        return send(DenoiseRequest.newBuilder().setGuidance(g)).thenApply(r -> unwrap(r).getGuidance());
    }

    /**
     * Sends a request as given (job id and request id are filled in unless set) and returns the
     * raw reply, error replies included. For tools and tests that inspect errors themselves.
     */
    public CompletableFuture<DenoiseReply> send(DenoiseRequest.Builder request) {
        long id = request.getRequestId() != 0 ? request.getRequestId() : nextId.getAndIncrement();
        if (request.getJobId().isEmpty()) request.setJobId(jobId);
        return sendAs(request.setRequestId(id).build());
    }

    /** Sends exactly this message (even one without a job id): for bad-input tests. */
    public CompletableFuture<DenoiseReply> sendAs(DenoiseRequest request) {
        CompletableFuture<DenoiseReply> f = new CompletableFuture<>();
        Throwable failed = failure;
        if (failed != null) {
            f.completeExceptionally(failed);
            return f;
        }
        if (pending.putIfAbsent(request.getRequestId(), f) != null)
            throw new IllegalArgumentException("request id " + request.getRequestId() + " is already pending");
        synchronized (requests) {
            requests.onNext(request);
        }
        Throwable late = failure; // the stream may have failed between the check and the put
        if (late != null && pending.remove(request.getRequestId(), f)) f.completeExceptionally(late);
        return f;
    }

    /** Completes when the node closes the stream (normally after {@link #close()}). */
    public CompletableFuture<Void> closed() { return closed; }

    private static DenoiseReply unwrap(DenoiseReply r) {
        if (r.hasError()) throw new NodeRequestException(r.getError().getCode(), r.getError().getMessage());
        return r;
    }

    @Override
    public void close() {
        synchronized (requests) {
            if (failure == null && !closed.isDone()) {
                try {
                    requests.onCompleted();
                } catch (IllegalStateException alreadyClosed) {
                    // the stream ended first
                }
            }
        }
    }

    private final class Replies implements StreamObserver<DenoiseReply> {
        @Override
        public void onNext(DenoiseReply reply) {
            CompletableFuture<DenoiseReply> f = pending.remove(reply.getRequestId());
            if (f != null) f.complete(reply);
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            pending.values().forEach(f -> f.completeExceptionally(t));
            pending.clear();
            closed.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            failure = Status.UNAVAILABLE.withDescription("the node closed the Denoise stream of job " + jobId).asRuntimeException();
            pending.values().forEach(f -> f.completeExceptionally(failure));
            pending.clear();
            closed.complete(null);
        }
    }
}
