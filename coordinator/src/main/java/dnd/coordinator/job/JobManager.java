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
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Starts, tracks and cancels jobs. For each job it creates the job's topic
 * ({@code dnd-job-<id>-<coordinator instance>}), subscribes the job's listener (the client's stream) before the job
 * exists, so the listener sees every event, and then starts the {@link JobActor}.
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

    private record StopTopic(ActorRef<Topic.Command<JobEvent>> topic) implements Command {}

    private final CoordinatorSettings settings;
    private final ActorRef<NodeDirectory.Command> directory;
    private final NodeChannels channels;
    private final Map<String, Running> running = new HashMap<>();
    /** Job ids are unique per coordinator only: topics carry the coordinator's instance so two never mix. */
    private final String instance = java.util.UUID.randomUUID().toString().substring(0, 8);
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
                .onMessage(StopTopic.class, m -> { getContext().stop(m.topic); return this; })
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
        ActorRef<Topic.Command<JobEvent>> topic = getContext().spawn(Topic.create(JobEvent.class, "dnd-job-" + id + "-" + instance), "topic-" + n);
        topic.tell(Topic.subscribe(msg.listener));
        ActorRef<JobActor.Command> job = getContext().spawn(JobActor.create(msg.plan, settings, directory, channels, topic), "job-" + n);
        getContext().watchWith(job, new JobEnded(id));
        running.put(id, new Running(job, topic, msg.listener));
        msg.accepted.tell(true);
        getContext().getLog().info("job {} started: {} players, method {}, {} steps, {} image(s)",
                id, msg.plan.players().size(), msg.plan.method(), msg.plan.steps(), msg.plan.images());
        return this;
    }

    private Behavior<Command> onCancel(CancelJob msg) {
        Running r = running.get(msg.jobId);
        if (r != null) r.job.tell(new JobActor.Cancel(msg.reason));
        msg.replyTo.tell(r != null);
        return this;
    }

    private Behavior<Command> onJobEnded(JobEnded msg) {
        Running r = running.remove(msg.jobId);
        if (r != null) {
            // A job that stopped without its final event (it crashed) still ends its client's stream.
            r.topic.tell(Topic.publish(new JobEvent.JobFailed(msg.jobId, "INTERNAL", "job " + msg.jobId + " stopped unexpectedly")));
            // Let the topic deliver what the job published before it goes.
            getContext().scheduleOnce(java.time.Duration.ofSeconds(5), getContext().getSelf(), new StopTopic(r.topic));
        }
        return this;
    }

    private record Running(ActorRef<JobActor.Command> job, ActorRef<Topic.Command<JobEvent>> topic, ActorRef<JobEvent> listener) {}
}
