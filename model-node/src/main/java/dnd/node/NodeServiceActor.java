package dnd.node;

import dnd.common.cluster.NodeService;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The node's face in the cluster: registered with the Receptionist under {@link NodeService#KEY},
 * it answers {@link NodeService.Describe} with the node's card and gRPC endpoint.
 */
public final class NodeServiceActor extends AbstractBehavior<NodeService.Command> {

    /** Local only (never crosses JVMs): leave the Receptionist before the node shuts down. */
    public record Deregister(ActorRef<Receptionist.Deregistered> replyTo) implements NodeService.Command {}

    private final NodeService.NodeInfo info;

    private NodeServiceActor(ActorContext<NodeService.Command> ctx, NodeService.NodeInfo info) {
        super(ctx);
        this.info = info;
        ctx.getSystem().receptionist().tell(Receptionist.register(NodeService.KEY, ctx.getSelf()));
        ctx.getLog().info("registered model {} at {} as {}", info.card().name(), info.endpoint(), info.nodeId());
    }

    public static Behavior<NodeService.Command> create(NodeService.NodeInfo info) {
        return Behaviors.setup(ctx -> new NodeServiceActor(ctx, info));
    }

    @Override
    public Receive<NodeService.Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeService.Describe.class, this::onDescribe)
                .onMessage(Deregister.class, this::onDeregister)
                .build();
    }

    private Behavior<NodeService.Command> onDescribe(NodeService.Describe d) {
        d.replyTo().tell(info);
        return this;
    }

    private Behavior<NodeService.Command> onDeregister(Deregister d) {
        getContext().getSystem().receptionist().tell(Receptionist.deregister(NodeService.KEY, getContext().getSelf(), d.replyTo()));
        getContext().getLog().info("deregistering model {} at {}", info.card().name(), info.endpoint());
        return this;
    }
}
