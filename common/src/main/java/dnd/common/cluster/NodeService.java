package dnd.common.cluster;

import dnd.common.model.ModelCard;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The cluster-side protocol of a model node. Every node registers one actor under {@link #KEY}
 * with the Receptionist; a coordinator that sees it in the listing sends {@link Describe} and
 * gets back the node's card and gRPC endpoint. Tensors never travel here (gRPC carries them).
 * All messages are {@link KryoMessage}s, serialized by the project's Kryo serializer.
 */
public final class NodeService {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "dnd-model-node");

    private NodeService() {}

    public interface Command extends KryoMessage {}

    /** Asks a node for its card and endpoint. */
    public record Describe(ActorRef<NodeInfo> replyTo) implements Command {}

    /** A node's card and where its ModelNode gRPC service listens. */
    public record NodeInfo(ModelCard card, String host, int port, String nodeId) implements KryoMessage {
        public String endpoint() { return host + ":" + port; }
    }
}
