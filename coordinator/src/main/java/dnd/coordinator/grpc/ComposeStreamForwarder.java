package dnd.coordinator.grpc;

import com.google.protobuf.ByteString;
import dnd.common.tensor.FloatTensor;
import dnd.coordinator.job.JobEvent;
import dnd.proto.AllocationEvent;
import dnd.proto.ComposeEvent;
import dnd.proto.ImageResult;
import dnd.proto.JobDone;
import dnd.proto.PlayerShare;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The listener of one job: forwards each event to the client's Compose stream, in order,
 * and ends the stream with the job's last event. One actor per stream, so the (not thread-safe)
 * stream observer is only ever written by one thread at a time.
 */
final class ComposeStreamForwarder {

    private ComposeStreamForwarder() {}

    static Behavior<JobEvent> create(StreamObserver<ComposeEvent> out) {
        return Behaviors.receive((ctx, event) -> {
            try {
                if (event instanceof JobEvent.JobFailed f) {
                    out.onError(Status.fromCode(Status.Code.valueOf(f.code())).withDescription(f.message()).asRuntimeException());
                } else {
                    out.onNext(toProto(event));
                    if (event.terminal()) out.onCompleted();
                }
            } catch (RuntimeException e) {
                // The client went away (cancelled call): nothing more to deliver.
                ctx.getLog().debug("stream of job {} is closed: {}", event.jobId(), e.toString());
                return Behaviors.stopped();
            }
            return event.terminal() ? Behaviors.stopped() : Behaviors.same();
        });
    }

    static ComposeEvent toProto(JobEvent event) {
        ComposeEvent.Builder b = ComposeEvent.newBuilder().setJobId(event.jobId());
        if (event instanceof JobEvent.StepAllocated a) {
            AllocationEvent.Builder p = AllocationEvent.newBuilder().setImage(a.image()).setStep(a.step()).setTotalSteps(a.totalSteps())
                    .setFictitiousShare(a.fictitiousShare()).setIterations(a.iterations()).setKktResidual(a.kktResidual())
                    .setStepMs(a.stepMs()).setComputeMs(a.computeMs()).setCoordinatorMs(a.coordinatorMs()).setPreviewPng(ByteString.copyFrom(a.previewPng()));
            if (a.allocation().length > 0) p.setOwnerMap(Tensors.of(new FloatTensor(new int[] {a.rows(), a.height(), a.width()}, a.allocation())));
            for (JobEvent.Share s : a.shares())
                p.addShares(PlayerShare.newBuilder().setPlayer(s.player()).setShare(s.share()).setValue(s.value()).setTarget(s.target()).setSlack(s.slack()));
            for (double l : a.lambda()) p.addLambda(l);
            b.setProgress(p);
        } else if (event instanceof JobEvent.ImageReady i) {
            b.setImage(ImageResult.newBuilder().setImage(i.image()).setSeed(i.seed()).setPng(ByteString.copyFrom(i.png()))
                    .setLatent(Tensors.of(new FloatTensor(i.latentShape(), i.latent())))
                    .setFairnessReportJson(i.fairnessReportJson()).setAllocationGif(ByteString.copyFrom(i.allocationGif())));
        } else if (event instanceof JobEvent.JobFinished d) {
            b.setDone(JobDone.newBuilder().setImages(d.images()).setWallMs(d.wallMs()).putAllFailovers(d.failovers()));
        } else {
            throw new IllegalArgumentException("no wire form for " + event.getClass().getSimpleName());
        }
        return b.build();
    }
}
