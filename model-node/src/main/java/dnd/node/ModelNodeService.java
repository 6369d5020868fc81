package dnd.node;

import dnd.node.client.CardCodec;
import dnd.node.client.TensorCodec;
import dnd.proto.DenoiseReply;
import dnd.proto.DenoiseRequest;
import dnd.proto.DescribeRequest;
import dnd.proto.ErrorReply;
import dnd.proto.GuidanceReply;
import dnd.proto.ModelCard;
import dnd.proto.ModelNodeGrpc;
import dnd.proto.StatsRequest;
import dnd.proto.StepReply;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ModelNode gRPC service: thin. It validates each request, hands it to the batcher, and
 * writes the reply on the request's stream; a bad request gets an ErrorReply and the stream
 * (and every other stream) keeps serving.
 */
public final class ModelNodeService extends ModelNodeGrpc.ModelNodeImplBase {

    private static final Logger log = LoggerFactory.getLogger(ModelNodeService.class);

    private final ModelCard card;
    private final RequestValidator validator;
    private final MicroBatcher batcher;
    private final NodeStats stats;
    private final Set<DenoiseStream> streams = ConcurrentHashMap.newKeySet();

    public ModelNodeService(dnd.common.model.ModelCard card, RequestValidator validator, MicroBatcher batcher, NodeStats stats) {
        this.card = CardCodec.toProto(card);
        this.validator = validator;
        this.batcher = batcher;
        this.stats = stats;
    }

    @Override
    public void describe(DescribeRequest request, StreamObserver<ModelCard> out) {
        out.onNext(card);
        out.onCompleted();
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<dnd.proto.NodeStats> out) {
        out.onNext(stats.snapshot());
        out.onCompleted();
    }

    @Override
    public StreamObserver<DenoiseRequest> denoise(StreamObserver<DenoiseReply> out) {
        DenoiseStream s = new DenoiseStream((ServerCallStreamObserver<DenoiseReply>) out);
        streams.add(s);
        stats.streamOpened();
        return s;
    }

    /** Ends every open stream (after the batcher drained): clients see the stream complete. */
    void closeAllStreams() {
        for (DenoiseStream s : streams) s.finish();
    }

    private final class DenoiseStream implements StreamObserver<DenoiseRequest> {
        private final ServerCallStreamObserver<DenoiseReply> out;
        private int pending;            // guarded by this
        private boolean halfClosed;     // guarded by this
        private boolean done;           // guarded by this

        DenoiseStream(ServerCallStreamObserver<DenoiseReply> out) {
            this.out = out;
            out.setOnCancelHandler(this::cancelled);
        }

        @Override
        public void onNext(DenoiseRequest r) {
            NodeWork work;
            try {
                work = validator.validate(r);
            } catch (RequestException e) {
                rejected(r, e.code(), e.getMessage());
                return;
            }
            synchronized (this) { pending++; }
            try {
                batcher.submit(work, o -> reply(r, o));
            } catch (RequestException e) {
                synchronized (this) { pending--; }
                rejected(r, e.code(), e.getMessage());
                return;
            }
            stats.accepted(work);
        }

        private void rejected(DenoiseRequest r, Status.Code code, String message) {
            stats.rejected();
            send(DenoiseReply.newBuilder().setJobId(r.getJobId()).setRequestId(r.getRequestId())
                    .setError(ErrorReply.newBuilder().setCode(code.value()).setMessage(message)).build(), false);
        }

        private void reply(DenoiseRequest r, MicroBatcher.Outcome o) {
            DenoiseReply.Builder b = DenoiseReply.newBuilder().setJobId(r.getJobId()).setRequestId(r.getRequestId());
            if (o.failure() != null) {
                log.error("backend failed on job {} request {}", r.getJobId(), r.getRequestId(), o.failure());
                stats.rejected();
                b.setError(ErrorReply.newBuilder().setCode(Status.Code.INTERNAL.value()).setMessage("backend failed: " + o.failure()));
            } else if (o.result() instanceof NodeWork.StepResult s) {
                StepReply.Builder step = StepReply.newBuilder().setEpsCond(TensorCodec.encode(s.epsCond())).setEpsUncond(TensorCodec.encode(s.epsUncond()))
                        .setAttention(TensorCodec.encode(s.attention())).setComputeMs(o.computeMs()).setBatchSize(o.batchLatents());
                // a third of the reply's bytes, unused by a client that blends the players' eps itself
                if (s.mean() != null) step.setMean(TensorCodec.encode(s.mean()));
                b.setStep(step);
            } else if (o.result() instanceof NodeWork.GuidanceResult g) {
                b.setGuidance(GuidanceReply.newBuilder().setUtility(TensorCodec.encode(g.utility())).setGrad(TensorCodec.encode(g.grad()))
                        .setComputeMs(o.computeMs()));
            }
            send(b.build(), true);
        }

        private synchronized void send(DenoiseReply reply, boolean completesPending) {
            if (completesPending) pending--;
            if (!done) {
                try {
                    out.onNext(reply);
                } catch (RuntimeException e) {
                    done = true; // cancelled under us
                }
            }
            if (halfClosed && pending == 0) finish();
        }

        @Override
        public void onError(Throwable t) {
            cancelled();
        }

        @Override
        public synchronized void onCompleted() {
            halfClosed = true;
            if (pending == 0) finish();
        }

        synchronized void finish() {
            if (done) return;
            done = true;
            try {
                out.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled
            }
            streams.remove(this);
            stats.streamClosed();
        }

        private synchronized void cancelled() {
            if (done) return;
            done = true;
            streams.remove(this);
            stats.streamClosed();
        }
    }
}
