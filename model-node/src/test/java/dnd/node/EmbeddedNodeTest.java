package dnd.node;

import dnd.common.cluster.DndCluster;
import dnd.common.cluster.NodeService;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A node inside an existing cluster member's ActorSystem (the embedded cluster of `dnd demo`). */
class EmbeddedNodeTest {

    @Test
    void registersInTheHostSystemAndDeregistersOnCloseLeavingTheSystemRunning() {
        ActorTestKit kit = ActorTestKit.create(DndCluster.SYSTEM_NAME,
                DndCluster.memberConfig("127.0.0.1", 0, List.of(DndCluster.ROLE_COORDINATOR, DndCluster.ROLE_MODEL_NODE), List.of()));
        try {
            Cluster cluster = Cluster.get(kit.system());
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
            TestProbe<Receptionist.Listing> listings = kit.createTestProbe();
            kit.system().receptionist().tell(Receptionist.subscribe(NodeService.KEY, listings.getRef()));
            assertTrue(listings.receiveMessage().getServiceInstances(NodeService.KEY).isEmpty());

            ModelNodeServer node = ModelNodeServer.start(NodeConfig.synthetic("shape=2x8x8,attention=4x4,context=4,cost=0ms")
                    .withNodeId("embedded-1"), kit.system());
            var refs = listings.receiveMessage(Duration.ofSeconds(20)).getServiceInstances(NodeService.KEY);
            assertEquals(1, refs.size());
            TestProbe<NodeService.NodeInfo> info = kit.createTestProbe();
            refs.iterator().next().tell(new NodeService.Describe(info.getRef()));
            NodeService.NodeInfo got = info.receiveMessage(Duration.ofSeconds(10));
            assertEquals("embedded-1", got.nodeId());
            assertEquals(node.port(), got.port());
            assertTrue(got.card().synthetic());

            node.close();
            assertTrue(listings.receiveMessage(Duration.ofSeconds(20)).getServiceInstances(NodeService.KEY).isEmpty());
            assertFalse(kit.system().whenTerminated().isCompleted(), "the host system keeps running");
            assertTrue(node.whenTerminated().toCompletableFuture().isDone());
        } finally {
            kit.shutdownTestKit();
        }
    }
}
