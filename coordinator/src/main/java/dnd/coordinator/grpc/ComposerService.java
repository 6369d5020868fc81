package dnd.coordinator.grpc;

import dnd.coordinator.CoordinatorSettings;
import dnd.coordinator.directory.DirectorySnapshot;
import dnd.coordinator.directory.NodeDirectory;
import dnd.coordinator.job.JobEvent;
import dnd.coordinator.job.JobManager;
import dnd.coordinator.job.JobPlan;
import dnd.proto.CancelReply;
import dnd.proto.CancelRequest;
import dnd.proto.ClusterReply;
import dnd.proto.ClusterRequest;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.ListModelsReply;
import dnd.proto.ListModelsRequest;
import dnd.proto.Member;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The Composer gRPC service: validates requests, translates them to job plans and hands them to
 * the {@link JobManager}; answers model and cluster queries from the node directory. Thin by
 * design: jobs run in actors, the math in {@code common}.
 */
final class ComposerService extends ComposerGrpc.ComposerImplBase {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final ActorRef<NodeDirectory.Command> directory;
    private final ActorRef<JobManager.Command> jobs;
    private final ComposeRequestParser parser;
    private final AtomicLong streams = new AtomicLong();

    ComposerService(ActorSystem<?> system, ActorRef<NodeDirectory.Command> directory, ActorRef<JobManager.Command> jobs,
                    CoordinatorSettings settings) {
        this.system = system;
        this.directory = directory;
        this.jobs = jobs;
        this.parser = new ComposeRequestParser(settings);
    }

    @Override
    public void compose(ComposeRequest request, StreamObserver<ComposeEvent> out) {
        JobPlan plan;
        try {
            plan = parser.parse(request, snapshot().toCompletableFuture().get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (Exception e) {
            out.onError(Status.UNAVAILABLE.withDescription("node directory did not answer: " + e).asRuntimeException());
            return;
        }
        String jobId = plan.jobId();
        // Only a call whose job was started may cancel it (not a rejected duplicate of its id).
        AtomicBoolean started = new AtomicBoolean();
        if (out instanceof ServerCallStreamObserver<ComposeEvent> call)
            call.setOnCancelHandler(() -> {
                if (started.get()) jobs.tell(new JobManager.CancelJob(jobId, "the client went away", system.ignoreRef()));
            });
        ActorRef<JobEvent> forwarder = system.systemActorOf(ComposeStreamForwarder.create(out), "compose-" + streams.incrementAndGet(), Props.empty());
        AskPattern.<JobManager.Command, Boolean>ask(jobs, r -> new JobManager.StartJob(plan, forwarder, r), ASK_TIMEOUT, system.scheduler())
                .whenComplete((accepted, err) -> {
                    if (Boolean.TRUE.equals(accepted)) {
                        started.set(true);
                        // The client may have gone while the job was being started.
                        if (out instanceof ServerCallStreamObserver<ComposeEvent> call && call.isCancelled())
                            jobs.tell(new JobManager.CancelJob(jobId, "the client went away", system.ignoreRef()));
                        return;
                    }
                    Status s = err != null ? Status.UNAVAILABLE.withDescription("job manager did not answer: " + err)
                            : Status.ALREADY_EXISTS.withDescription("job_id: a job '" + jobId + "' is already running");
                    forwarder.tell(new JobEvent.JobFailed(jobId, s.getCode().name(), s.getDescription()));
                });
    }

    @Override
    public void cancel(CancelRequest request, StreamObserver<CancelReply> out) {
        if (request.getJobId().isBlank()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("job_id: is required").asRuntimeException());
            return;
        }
        AskPattern.<JobManager.Command, Boolean>ask(jobs, r -> new JobManager.CancelJob(request.getJobId(), "cancelled by a client", r),
                        ASK_TIMEOUT, system.scheduler())
                .whenComplete((cancelled, err) -> reply(out, err, () -> CancelReply.newBuilder().setCancelled(cancelled).build()));
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsReply> out) {
        snapshot().whenComplete((snap, err) -> reply(out, err, () -> {
            ListModelsReply.Builder b = ListModelsReply.newBuilder();
            Map<String, String> status = memberStatus();
            snap.models().values().forEach(e -> b.addModels(CardProtos.toProto(e, status)));
            return b.build();
        }));
    }

    @Override
    public void cluster(ClusterRequest request, StreamObserver<ClusterReply> out) {
        CompletionStage<Integer> running = AskPattern.ask(jobs, JobManager.CountRunning::new, ASK_TIMEOUT, system.scheduler());
        snapshot().thenCombine(running, (snap, count) -> {
            ClusterReply.Builder b = ClusterReply.newBuilder().setRunningJobs(count);
            ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
            Map<String, String> status = memberStatus();
            for (org.apache.pekko.cluster.Member m : state.getMembers()) {
                b.addMembers(Member.newBuilder().setAddress(m.address().toString()).addAllRoles(m.getRoles())
                        .setStatus(status.get(m.address().toString())));
            }
            snap.models().values().forEach(e -> b.addModels(CardProtos.toProto(e, status)));
            return b.build();
        }).whenComplete((reply, err) -> reply(out, err, () -> reply));
    }

    private CompletionStage<DirectorySnapshot> snapshot() {
        return AskPattern.ask(directory, NodeDirectory.GetSnapshot::new, ASK_TIMEOUT, system.scheduler());
    }

    /** Member address -> its status, "Unreachable" overriding the membership status. */
    private Map<String, String> memberStatus() {
        ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
        Set<String> unreachable = new HashSet<>();
        state.getUnreachable().forEach(m -> unreachable.add(m.address().toString()));
        Map<String, String> status = new LinkedHashMap<>();
        for (org.apache.pekko.cluster.Member m : state.getMembers()) {
            String a = m.address().toString();
            status.put(a, unreachable.contains(a) ? "Unreachable" : m.status().toString());
        }
        return status;
    }

    private static <T> void reply(StreamObserver<T> out, Throwable err, java.util.function.Supplier<T> value) {
        if (err != null) {
            out.onError(Status.UNAVAILABLE.withDescription("coordinator busy: " + err).asRuntimeException());
            return;
        }
        out.onNext(value.get());
        out.onCompleted();
    }
}
