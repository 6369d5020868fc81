package dnd.coordinator.directory;

import dnd.common.cluster.NodeService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The coordinator's view of the model nodes: follows the Receptionist listing of
 * {@link NodeService#KEY} (reachable members only, so an unreachable node drops out within about
 * 2 s), asks each new node for its card and endpoint, and keeps a {@link ReplicaBook}. Anyone may
 * ask for a {@link DirectorySnapshot}.
 */
public final class NodeDirectory extends AbstractBehavior<NodeDirectory.Command> {

    public interface Command {}

    /** Replies with the current snapshot. */
    public record GetSnapshot(ActorRef<DirectorySnapshot> replyTo) implements Command {}

    /** A job saw a request to this replica fail; shown by {@code dnd cluster}. */
    public record ReplicaFailed(String endpoint, String error) implements Command {}

    /**
     * Published on the system event stream when a live replica leaves the listing (stopped, or
     * unreachable for about 4 s): jobs waiting on it fail over at once instead of at the deadline.
     */
    public record ReplicaLeft(String endpoint) {}

    private record ListingChanged(Receptionist.Listing listing) implements Command {}

    private record Described(ActorRef<NodeService.Command> node, NodeService.NodeInfo info) implements Command {}

    private record DescribeFailed(ActorRef<NodeService.Command> node, Throwable cause) implements Command {}

    private final ReplicaBook book = new ReplicaBook();
    private final Duration describeTimeout;
    private Set<ActorRef<NodeService.Command>> listed = Set.of();

    public static Behavior<Command> create(Duration describeTimeout) {
        return Behaviors.setup(ctx -> new NodeDirectory(ctx, describeTimeout));
    }

    private NodeDirectory(ActorContext<Command> ctx, Duration describeTimeout) {
        super(ctx);
        this.describeTimeout = describeTimeout;
        ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class, ListingChanged::new);
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeService.KEY, adapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ListingChanged.class, this::onListing)
                .onMessage(Described.class, this::onDescribed)
                .onMessage(DescribeFailed.class, this::onDescribeFailed)
                .onMessage(GetSnapshot.class, this::onGetSnapshot)
                .onMessage(ReplicaFailed.class, this::onReplicaFailed)
                .build();
    }

    private Behavior<Command> onListing(ListingChanged msg) {
        Set<ActorRef<NodeService.Command>> now = new HashSet<>(msg.listing.getServiceInstances(NodeService.KEY));
        for (ActorRef<NodeService.Command> gone : listed) {
            if (!now.contains(gone)) {
                getContext().getLog().info("node {} left the listing (stopped or unreachable)", gone.path());
                book.remove(key(gone)).ifPresent(endpoint ->
                        getContext().getSystem().eventStream().tell(new EventStream.Publish<>(new ReplicaLeft(endpoint))));
            }
        }
        for (ActorRef<NodeService.Command> node : now) {
            if (!book.knows(key(node))) describe(node);
        }
        listed = now;
        return this;
    }

    private void describe(ActorRef<NodeService.Command> node) {
        getContext().ask(NodeService.NodeInfo.class, node, describeTimeout, NodeService.Describe::new,
                (info, err) -> info != null ? new Described(node, info) : new DescribeFailed(node, err));
    }

    private Behavior<Command> onDescribed(Described msg) {
        if (!listed.contains(msg.node)) return this; // left while we asked
        var address = msg.node.path().address();
        // A node in this very JVM (embedded cluster) has a local path: name it by this member's address.
        String member = (address.hasGlobalScope() ? address : Cluster.get(getContext().getSystem()).selfMember().address()).toString();
        book.offer(key(msg.node), msg.info, member).ifPresentOrElse(
                reason -> getContext().getLog().warn("refused replica {} of model {}: {}", msg.info.endpoint(), msg.info.card().name(), reason),
                () -> getContext().getLog().info("replica {} of model {} ({}) joined", msg.info.endpoint(), msg.info.card().name(), member));
        return this;
    }

    private Behavior<Command> onDescribeFailed(DescribeFailed msg) {
        if (!listed.contains(msg.node)) return this;
        getContext().getLog().warn("node {} did not describe itself ({}); asking again", msg.node.path(), msg.cause.toString());
        describe(msg.node);
        return this;
    }

    private Behavior<Command> onGetSnapshot(GetSnapshot msg) {
        msg.replyTo.tell(book.snapshot());
        return this;
    }

    private Behavior<Command> onReplicaFailed(ReplicaFailed msg) {
        book.recordFailure(msg.endpoint, msg.error, System.nanoTime());
        return this;
    }

    private static String key(ActorRef<?> ref) { return ref.path().toString(); }
}
