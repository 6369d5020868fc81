package dnd.coordinator.job;

import dnd.common.compose.Composition;
import dnd.common.compose.Compositions;
import dnd.common.compose.PlayerSpec;
import dnd.common.compose.StepReport;
import dnd.common.tensor.FloatTensor;
import dnd.coordinator.CoordinatorSettings;
import dnd.coordinator.directory.DirectorySnapshot;
import dnd.coordinator.directory.NodeDirectory;
import dnd.coordinator.grpc.DenoiseSession;
import dnd.coordinator.grpc.NodeChannels;
import dnd.proto.DenoiseReply;
import dnd.proto.DenoiseRequest;
import dnd.proto.Tensor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one composition: drives the {@link Composition} state machine, fanning each step's
 * requests out to the players' replicas over gRPC and publishing each step's allocation and each
 * finished image to the job's listener (the client's stream). The math is in the composition; this actor only routes.
 *
 * <p>Failover: every request has a deadline. A request that fails or times out is sent again to
 * another live replica of the same model (a step is idempotent, and requests are reproducible, so
 * the bits do not change). When a model has had no live replica for the grace period, the job
 * fails with an error naming that model.
 */
public final class JobActor extends AbstractBehavior<JobActor.Command> {

    public interface Command {}

    /** Stops the job; the stream ends with CANCELLED. */
    public record Cancel(String reason) implements Command {}

    private record Start(DirectorySnapshot snapshot) implements Command {}

    private record Replied(long attempt, int slot, String endpoint, NodeAnswer answer, Throwable error) implements Command {}

    private record Redispatch(long attempt, int slot, DirectorySnapshot snapshot) implements Command {}

    private record RetryLater(long attempt, int slot) implements Command {}

    private record ReplicaLeft(String endpoint) implements Command {}

    private enum Phase { STEP, GUIDANCE }

    private final JobPlan plan;
    private final CoordinatorSettings settings;
    private final ActorRef<NodeDirectory.Command> directory;
    private final NodeChannels channels;
    private final ActorRef<JobEvent> listener;
    private final TimerScheduler<Command> timers;
    private final long startNanos = System.nanoTime();

    private final Map<String, DenoiseSession> sessions = new HashMap<>();
    private final ReplicaChoice replicas;
    private final Set<String> warned = new HashSet<>();
    private DirectorySnapshot snapshot = DirectorySnapshot.empty();

    private int image;
    private Composition composition;
    private List<StepReport> reports;
    private Phase phase;
    private List<Composition.PlayerRequest> stepRequests;
    private List<Composition.GuidanceRequest> guidanceRequests;
    private int guidanceOffset;
    private Object[] answers;
    private long[] attemptOf;
    private String[] endpointOf;
    private int pending;
    private long nextAttempt;
    private long nextRequestId;
    private boolean finished;
    // Step timing for the benchmarks: wall time from fan-out to the step's result, and per phase
    // the compute each node reported (a node runs a job's requests one after another).
    private long stepStartNanos;
    private double stepComputeMs;
    // The actor's own time in the current step (its share of the critical path): handlers charge
    // the time since handlerStartNanos to it.
    private long stepBusyNanos, handlerStartNanos;
    // Each latent's wire form, encoded once per step however many players (and guidance requests) share it.
    private final Map<float[], Tensor> encodedLatents = new IdentityHashMap<>();
    private final Map<String, Double> phaseComputeMs = new HashMap<>();

    public static Behavior<Command> create(JobPlan plan, CoordinatorSettings settings, ActorRef<NodeDirectory.Command> directory,
                                           NodeChannels channels, ActorRef<JobEvent> listener) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new JobActor(ctx, timers, plan, settings, directory, channels, listener)));
    }

    private JobActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, JobPlan plan, CoordinatorSettings settings,
                     ActorRef<NodeDirectory.Command> directory, NodeChannels channels, ActorRef<JobEvent> listener) {
        super(ctx);
        this.timers = timers;
        this.plan = plan;
        this.settings = settings;
        this.directory = directory;
        this.channels = channels;
        this.listener = listener;
        this.replicas = new ReplicaChoice(plan.jobId(), settings.gracePeriod());
        ActorRef<NodeDirectory.ReplicaLeft> left = ctx.messageAdapter(NodeDirectory.ReplicaLeft.class, l -> new ReplicaLeft(l.endpoint()));
        ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(NodeDirectory.ReplicaLeft.class, left));
        askSnapshot(Start::new);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Start.class, this::onStart)
                .onMessage(Replied.class, this::onReplied)
                .onMessage(Redispatch.class, this::onRedispatch)
                .onMessage(RetryLater.class, this::onRetryLater)
                .onMessage(ReplicaLeft.class, this::onReplicaLeft)
                .onMessage(Cancel.class, this::onCancel)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    // ---- lifecycle of images and steps ----------------------------------------------------------

    private Behavior<Command> onStart(Start msg) {
        handlerStartNanos = System.nanoTime();
        snapshot = msg.snapshot;
        return guarded(() -> startImage(0));
    }

    private Behavior<Command> startImage(int index) {
        image = index;
        composition = Compositions.create(plan.method(), plan.options(), plan.players(), plan.sampler(index));
        reports = new ArrayList<>();
        return beginStep();
    }

    private Behavior<Command> beginStep() {
        if (composition.done()) return finishImage();
        phase = Phase.STEP;
        stepStartNanos = System.nanoTime();
        stepComputeMs = 0;
        stepBusyNanos = 0;
        encodedLatents.clear();
        stepRequests = composition.stepRequests();
        // Guidance known before the step's outputs ("previous allocation" variant) rides along: one round trip per step.
        guidanceRequests = composition.prefetchGuidance();
        guidanceOffset = stepRequests.size();
        return fanOut(stepRequests.size() + guidanceRequests.size());
    }

    private Behavior<Command> fanOut(int slots) {
        answers = new Object[slots];
        attemptOf = new long[slots];
        endpointOf = new String[slots];
        pending = slots;
        phaseComputeMs.clear();
        for (int slot = 0; slot < slots && !finished; slot++) dispatch(slot);
        chargeBusy();
        return next();
    }

    /** Adds the time since the handler started (or since the last charge) to the step's actor time. */
    private void chargeBusy() {
        long now = System.nanoTime();
        stepBusyNanos += now - handlerStartNanos;
        handlerStartNanos = now;
    }

    private Behavior<Command> stepAnswered() {
        stepComputeMs += busiestNodeMs(); // the step's requests and any guidance prefetched with them
        List<Composition.PreparedOutput> outputs = new ArrayList<>(stepRequests.size());
        for (int i = 0; i < stepRequests.size(); i++) outputs.add((Composition.PreparedOutput) answers[i]);
        List<Composition.GuidanceRequest> wanted = composition.acceptPrepared(outputs);
        if (wanted.isEmpty()) return stepDone(composition.acceptGuidance(List.of()));
        if (wanted.size() == guidanceRequests.size()) return guidanceAnswered(); // prefetched with the step
        phase = Phase.GUIDANCE;
        guidanceRequests = wanted;
        guidanceOffset = 0;
        return fanOut(guidanceRequests.size());
    }

    private Behavior<Command> guidanceAnswered() {
        if (phase == Phase.GUIDANCE) stepComputeMs += busiestNodeMs();
        List<FloatTensor> grads = new ArrayList<>(guidanceRequests.size());
        for (int i = 0; i < guidanceRequests.size(); i++) grads.add((FloatTensor) answers[guidanceOffset + i]);
        return stepDone(composition.acceptGuidance(grads));
    }

    private double busiestNodeMs() {
        return phaseComputeMs.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private Behavior<Command> stepDone(StepReport report) {
        double stepMs = (System.nanoTime() - stepStartNanos) / 1e6;
        reports.add(report);
        FloatTensor preview = plan.previews() ? composition.preview() : null;
        chargeBusy();
        double computeMs = stepComputeMs, coordinatorMs = stepBusyNanos / 1e6;
        int stepImage = image;
        if (composition.done()) {   // the image's last step: its event must come before ImageReady
            tellAllocated(stepImage, report, stepMs, computeMs, coordinatorMs, preview);
            return beginStep();
        }
        // The next step's requests go out first: the event (and a preview's PNG) is built while the nodes compute.
        Behavior<Command> next = beginStep();
        if (!finished) tellAllocated(stepImage, report, stepMs, computeMs, coordinatorMs, preview);   // else JobFailed was the last event
        return next;
    }

    private void tellAllocated(int stepImage, StepReport report, double stepMs, double computeMs, double coordinatorMs, FloatTensor preview) {
        listener.tell(Events.allocated(plan.jobId(), stepImage, report, plan.players().get(0).card(), plan.ownerMaps(), stepMs, computeMs,
                coordinatorMs, preview == null ? new byte[0] : Artifacts.png(preview)));
    }

    private Behavior<Command> finishImage() {
        FloatTensor latent = composition.result();
        String json = FairnessReport.json(plan, image, reports);
        listener.tell(new JobEvent.ImageReady(plan.jobId(), image, plan.seed() + image, Artifacts.png(latent),
                latent.shape(), latent.data(), json, Artifacts.allocationGif(reports, plan.players().get(0).card())));
        if (image + 1 < plan.images()) return startImage(image + 1);
        double wallMs = (System.nanoTime() - startNanos) / 1e6;
        listener.tell(new JobEvent.JobFinished(plan.jobId(), plan.images(), wallMs, replicas.failovers()));
        finished = true;
        getContext().getLog().info("job {} finished: {} image(s) in {} ms, failovers {}", plan.jobId(), plan.images(), Math.round(wallMs), replicas.failovers());
        return Behaviors.stopped();
    }

    // ---- fan-out with failover --------------------------------------------------------------------

    /** Whether a fan-out slot is a step request (else a guidance request, at slot - guidanceOffset). */
    private boolean isStepSlot(int slot) { return phase == Phase.STEP && slot < stepRequests.size(); }

    private PlayerSpec playerOf(int slot) {
        int player = isStepSlot(slot) ? stepRequests.get(slot).player() : guidanceRequests.get(slot - guidanceOffset).player();
        return plan.players().get(player);
    }

    private void dispatch(int slot) {
        PlayerSpec player = playerOf(slot);
        String model = player.card().name();
        long attempt = ++nextAttempt;
        attemptOf[slot] = attempt;
        endpointOf[slot] = null;
        List<DirectorySnapshot.Replica> listed = snapshot.replicas(model);
        List<String> live = listed.stream().map(DirectorySnapshot.Replica::endpoint).toList();
        Optional<String> chosen = replicas.choose(model, slot, live, ReplicaChoice.suspects(listed, System.nanoTime()));
        if (chosen.isEmpty()) {
            replicas.noReplica(model, !live.isEmpty(), System.nanoTime()).ifPresentOrElse(
                    error -> fail(Status.Code.UNAVAILABLE, error),
                    () -> timers.startSingleTimer(new RetryLater(attempt, slot), settings.retryInterval()));
            return;
        }
        String endpoint = chosen.get();
        DenoiseSession session = sessions.computeIfAbsent(endpoint, e -> new DenoiseSession(channels.get(e), e));
        endpointOf[slot] = endpoint;
        long requestId = ++nextRequestId;
        boolean step = isStepSlot(slot);
        Composition.PlayerRequest stepRequest = step ? stepRequests.get(slot) : null;
        DenoiseRequest request;
        try {
            request = step
                    ? NodeRequests.step(plan.jobId(), requestId, composition.stepIndex(), player, stepRequest, encoded(stepRequest.x()),
                            plan.sampler(image), !plan.allowBatching())
                    : NodeRequests.guidance(plan.jobId(), requestId, composition.stepIndex(), player, guidanceRequests.get(slot - guidanceOffset),
                            encoded(guidanceRequests.get(slot - guidanceOffset).x()), !plan.allowBatching());
        } catch (IllegalArgumentException e) {
            fail(Status.Code.INTERNAL, "job " + plan.jobId() + ": " + e.getMessage());
            return;
        }
        Composition preparer = composition;   // prepare() is the composition's one thread-safe method
        CompletableFuture<NodeAnswer> answer = session.send(request)
                .orTimeout(settings.stepDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> { if (e != null) session.forget(requestId); })
                // runs on the gRPC thread that received the reply, not on this actor
                .thenApply(r -> step ? NodeAnswer.step(r, player.card(), preparer, stepRequest) : NodeAnswer.guidance(r, player.card()));
        getContext().pipeToSelf(answer, (a, e) -> new Replied(attempt, slot, endpoint, a, e));
    }

    private Tensor encoded(FloatTensor latent) {
        return encodedLatents.computeIfAbsent(latent.data(), data -> NodeRequests.latent(latent));
    }

    private Behavior<Command> onReplied(Replied msg) {
        if (finished || composition == null || msg.attempt != attemptOf[msg.slot]) return next(); // stale: already failed over
        handlerStartNanos = System.nanoTime();
        PlayerSpec player = playerOf(msg.slot);
        Throwable problem = msg.error;
        DenoiseReply reply = msg.answer == null ? null : msg.answer.reply();
        if (problem == null && reply.hasError()) {
            Status.Code code = Status.fromCodeValue(reply.getError().getCode()).getCode();
            if (code == Status.Code.INVALID_ARGUMENT) {
                // Every replica of the model would refuse the same request: failing over cannot help.
                fail(code, "model " + player.card().name() + " refused the request: " + reply.getError().getMessage());
                return next();
            }
            problem = Status.fromCodeValue(reply.getError().getCode()).withDescription(reply.getError().getMessage()).asRuntimeException();
        }
        if (problem == null && msg.answer.malformed() != null) problem = new IllegalStateException("malformed reply: " + msg.answer.malformed());
        if (problem != null) return failover(msg.slot, msg.endpoint, player.card().name(), problem);
        // the composition's own failure, met on the transport thread: ends the job as if met here
        if (msg.answer.refused() != null) return guarded(() -> { throw msg.answer.refused(); });
        answers[msg.slot] = msg.answer.value();
        double computeMs = reply.hasStep() ? reply.getStep().getComputeMs() : reply.getGuidance().getComputeMs();
        phaseComputeMs.merge(msg.endpoint, computeMs, Double::sum);
        attemptOf[msg.slot] = 0;
        endpointOf[msg.slot] = null;
        replicas.succeeded(player.card().name());
        if (--pending > 0) {
            chargeBusy();
            return this;
        }
        return guarded(() -> phase == Phase.STEP ? stepAnswered() : guidanceAnswered());
    }

    private Behavior<Command> failover(int slot, String endpoint, String model, Throwable problem) {
        String why = describe(problem);
        // One warning per replica and job; retries against a replica that stays down are quieter.
        boolean repeated = !warned.add(endpoint);
        (repeated ? getContext().getLog().atDebug() : getContext().getLog().atWarn()).log("job {} step {}: replica {} of model {} failed ({}); retrying on another replica",
                plan.jobId(), composition.stepIndex(), endpoint, model, why);
        replicas.failed(model, endpoint, why, System.nanoTime());
        DenoiseSession session = sessions.remove(endpoint);
        if (session != null) session.close();
        directory.tell(new NodeDirectory.ReplicaFailed(endpoint, why));
        long attempt = ++nextAttempt;
        attemptOf[slot] = attempt;
        endpointOf[slot] = null;
        askSnapshot(s -> new Redispatch(attempt, slot, s));
        return this;
    }

    /** A replica left the cluster: its unanswered requests are retried elsewhere now, not at the deadline. */
    private Behavior<Command> onReplicaLeft(ReplicaLeft msg) {
        if (finished || composition == null || endpointOf == null) return next();
        for (int slot = 0; slot < endpointOf.length; slot++) {
            if (attemptOf[slot] != 0 && answers[slot] == null && msg.endpoint.equals(endpointOf[slot]))
                failover(slot, msg.endpoint, playerOf(slot).card().name(), new IllegalStateException("replica left the cluster (stopped or unreachable)"));
        }
        return next();
    }

    private Behavior<Command> onRedispatch(Redispatch msg) {
        snapshot = msg.snapshot;
        if (!finished && msg.attempt == attemptOf[msg.slot]) {
            handlerStartNanos = System.nanoTime();
            dispatch(msg.slot);
            chargeBusy();
        }
        return next();
    }

    private Behavior<Command> onRetryLater(RetryLater msg) {
        if (finished || msg.attempt != attemptOf[msg.slot]) return next();
        long attempt = ++nextAttempt;
        attemptOf[msg.slot] = attempt;
        askSnapshot(s -> new Redispatch(attempt, msg.slot, s));
        return this;
    }

    // ---- ending -----------------------------------------------------------------------------------

    private Behavior<Command> onCancel(Cancel msg) {
        getContext().getLog().info("job {} cancelled: {}", plan.jobId(), msg.reason);
        publishFailure(Status.Code.CANCELLED, "job " + plan.jobId() + " cancelled: " + msg.reason);
        return Behaviors.stopped();
    }

    /** Ends the job with an error; the handler that called it returns {@link #next()}. */
    private void fail(Status.Code code, String message) {
        if (finished) return;
        getContext().getLog().warn("job {} failed: {}", plan.jobId(), message);
        publishFailure(code, message);
    }

    private Behavior<Command> next() { return finished ? Behaviors.stopped() : this; }

    private void publishFailure(Status.Code code, String message) {
        finished = true;
        listener.tell(new JobEvent.JobFailed(plan.jobId(), code.name(), message));
    }

    private Behavior<Command> onPostStop() {
        // A job that stopped without its final event (it crashed: PostStop follows a failure too)
        // still ends its client's stream.
        if (!finished) publishFailure(Status.Code.INTERNAL, "job " + plan.jobId() + " stopped unexpectedly");
        sessions.values().forEach(DenoiseSession::close);
        sessions.clear();
        return this;
    }

    /** Runs a step of the state machine; a failure in it ends the job with a clear error instead of a crash. */
    private Behavior<Command> guarded(java.util.function.Supplier<Behavior<Command>> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            publishFailure(Status.Code.INVALID_ARGUMENT, "job " + plan.jobId() + ": " + e.getMessage());
            return Behaviors.stopped();
        } catch (RuntimeException e) {
            getContext().getLog().error("job {} failed", plan.jobId(), e);
            publishFailure(Status.Code.INTERNAL, "job " + plan.jobId() + " failed: " + e);
            return Behaviors.stopped();
        }
    }

    private void askSnapshot(java.util.function.Function<DirectorySnapshot, Command> wrap) {
        getContext().ask(DirectorySnapshot.class, directory, Duration.ofSeconds(5), NodeDirectory.GetSnapshot::new,
                (s, e) -> wrap.apply(s != null ? s : snapshot));
    }

    private static String describe(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof TimeoutException) return "no answer within the step deadline";
        Status s = Status.fromThrowable(c);
        if (s.getCode() != Status.Code.UNKNOWN) return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        return c.toString();
    }

}
