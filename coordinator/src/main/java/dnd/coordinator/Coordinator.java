package dnd.coordinator;

import dnd.common.cluster.DndCluster;
import dnd.coordinator.directory.NodeDirectory;
import dnd.coordinator.grpc.ComposerServer;
import dnd.coordinator.grpc.NodeChannels;
import dnd.coordinator.job.JobManager;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * A running coordinator inside a cluster member: the node directory, the job manager and the
 * Composer gRPC server. It does not own the actor system (the embedded cluster shares one with
 * its nodes); {@link #close()} stops the server and the node channels.
 */
public final class Coordinator implements AutoCloseable {

    public static final String ROLE = DndCluster.ROLE_COORDINATOR;

    private final ActorRef<NodeDirectory.Command> directory;
    private final ActorRef<JobManager.Command> jobs;
    private final NodeChannels channels;
    private final ComposerServer server;

    private Coordinator(ActorSystem<?> system, CoordinatorSettings settings) {
        this.directory = system.systemActorOf(NodeDirectory.create(settings.describeTimeout()), "node-directory", Props.empty());
        this.channels = new NodeChannels();
        this.jobs = system.systemActorOf(JobManager.create(settings, directory, channels), "jobs", Props.empty());
        this.server = new ComposerServer(system, directory, jobs, settings);
    }

    /** Starts the coordinator's parts in an existing cluster member. */
    public static Coordinator start(ActorSystem<?> system, CoordinatorSettings settings) {
        return new Coordinator(system, settings);
    }

    /**
     * Creates a cluster member. With no seeds it founds a new cluster by joining itself (the
     * coordinator is then the oldest member, which the split-brain resolver keeps).
     */
    public static ActorSystem<Void> member(String host, int clusterPort, List<String> seeds, List<String> roles) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), DndCluster.SYSTEM_NAME, DndCluster.memberConfig(host, clusterPort, roles, seeds));
        if (seeds.isEmpty()) {
            Cluster cluster = Cluster.get(system);
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        return system;
    }

    /** The Composer service's port. */
    public int port() { return server.port(); }

    public ActorRef<NodeDirectory.Command> directory() { return directory; }

    public ActorRef<JobManager.Command> jobs() { return jobs; }

    @Override
    public void close() {
        server.close();
        channels.close();
    }
}
