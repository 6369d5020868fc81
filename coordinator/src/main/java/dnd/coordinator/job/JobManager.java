package dnd.coordinator.job;

import dnd.coordinator.CoordinatorSettings;
import dnd.coordinator.directory.NodeDirectory;
import dnd.coordinator.grpc.NodeChannels;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Starts, tracks and cancels jobs. Each job's {@link JobActor} sends its events straight to the
 * job's listener (the client's stream). A Pekko topic per job, as before, registered every job
 * with the cluster receptionist: distributed-data updates that every member replicated, 25-30 ms
 * of the cluster's CPU per job with nine members (docs/benchmarks.md, session 7).
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

    public interface Command {}

    /**
     * Starts a job whose events go to {@code listener}; {@code accepted} gets true, or false when
     * a job with that id is already running.
     */
    public record StartJob(JobPlan plan, ActorRef<JobEvent> listener, ActorRef<Boolean> accepted) implements Command {}

    /** Cancels a running job; replies whether there was one. */
    public record CancelJob(String jobId, String reason, ActorRef<Boolean> replyTo) implements Command {}

    /** Replies with the number of running jobs. */
    public record CountRunning(ActorRef<Integer> replyTo) implements Command {}

    private record JobEnded(String jobId) implements Command {}

    private final CoordinatorSettings settings;
    private final ActorRef<NodeDirectory.Command> directory;
    private final NodeChannels channels;
    private final Map<String, ActorRef<JobActor.Command>> running = new HashMap<>();
    private long started;

    public static Behavior<Command> create(CoordinatorSettings settings, ActorRef<NodeDirectory.Command> directory, NodeChannels channels) {
        return Behaviors.setup(ctx -> new JobManager(ctx, settings, directory, channels));
    }

    private JobManager(ActorContext<Command> ctx, CoordinatorSettings settings, ActorRef<NodeDirectory.Command> directory, NodeChannels channels) {
        super(ctx);
        this.settings = settings;
        this.directory = directory;
        this.channels = channels;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StartJob.class, this::onStart)
                .onMessage(CancelJob.class, this::onCancel)
                .onMessage(CountRunning.class, m -> { m.replyTo.tell(running.size()); return this; })
                .onMessage(JobEnded.class, this::onJobEnded)
                .build();
    }

    private Behavior<Command> onStart(StartJob msg) {
        String id = msg.plan.jobId();
        if (running.containsKey(id)) {
            msg.accepted.tell(false);
            return this;
        }
        long n = ++started;
        // Actor names must be unique and URL-safe; the job id is free text, so number them.
        ActorRef<JobActor.Command> job = getContext().spawn(JobActor.create(msg.plan, settings, directory, channels, msg.listener), "job-" + n);
        getContext().watchWith(job, new JobEnded(id));
        running.put(id, job);
        msg.accepted.tell(true);
        getContext().getLog().info("job {} started: {} players, method {}, {} steps, {} image(s)",
                id, msg.plan.players().size(), msg.plan.method(), msg.plan.steps(), msg.plan.images());
        return this;
    }

    private Behavior<Command> onCancel(CancelJob msg) {
        ActorRef<JobActor.Command> job = running.get(msg.jobId);
        if (job != null) job.tell(new JobActor.Cancel(msg.reason));
        msg.replyTo.tell(job != null);
        return this;
    }

    private Behavior<Command> onJobEnded(JobEnded msg) {
        running.remove(msg.jobId);
        return this;
    }
}
