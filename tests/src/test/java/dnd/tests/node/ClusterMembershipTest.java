package dnd.tests.node;

import dnd.common.cluster.DndCluster;
import dnd.common.cluster.NodeService;
import dnd.common.model.ModelCard;
import dnd.node.client.DenoiseSession;
import dnd.node.client.ModelNodeClient;
import dnd.node.client.TensorCodec;
import dnd.common.tensor.FloatTensor;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two JVMs in one Pekko cluster: this test JVM (the seed, as a coordinator would be) and a
 * {@code dnd node}. The node's NodeService shows up in the Receptionist listing here, answers
 * Describe across the wire (Kryo), and is gone after SIGTERM.
 */
class ClusterMembershipTest {

    static ActorTestKit kit;
    static String seed;

    @BeforeAll
    static void startSeed() {
        kit = ActorTestKit.create(DndCluster.SYSTEM_NAME,
                DndCluster.memberConfig("127.0.0.1", 0, List.of(DndCluster.ROLE_COORDINATOR), List.of()));
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        seed = "127.0.0.1:" + cluster.selfMember().address().getPort().get();
    }

    @AfterAll
    static void stopSeed() {
        if (kit != null) kit.shutdownTestKit();
    }

    /** A probe subscribed to the model-node service key, once no node is listed. */
    private static TestProbe<Receptionist.Listing> subscribeToNodes() {
        TestProbe<Receptionist.Listing> listings = kit.createTestProbe();
        kit.system().receptionist().tell(Receptionist.subscribe(NodeService.KEY, listings.getRef()));
        awaitListing(listings, true);
        return listings;
    }

    private static Set<ActorRef<NodeService.Command>> awaitListing(TestProbe<Receptionist.Listing> probe, boolean empty) {
        while (true) {
            Set<ActorRef<NodeService.Command>> refs = probe.receiveMessage(Duration.ofSeconds(60)).getServiceInstances(NodeService.KEY);
            if (refs.isEmpty() == empty) return refs;
        }
    }

    /** Polls a condition; a safety net of 60 s keeps a broken build from hanging (not a speed check). */
    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("never happened: " + what);
            Thread.sleep(20);
        }
    }

    private static boolean hasModelNodeMember() {
        return StreamSupport.stream(Cluster.get(kit.system()).state().getMembers().spliterator(), false)
                .anyMatch(m -> m.hasRole(DndCluster.ROLE_MODEL_NODE) && m.status() == MemberStatus.up());
    }

    @Test
    void nodeRegistersWithItsCardAndDisappearsWhenStopped() throws Exception {
        TestProbe<Receptionist.Listing> listings = subscribeToNodes();
        try (NodeProcess node = NodeProcess.start("--model", NodeProcess.fixture().toString(), "--port", "0",
                "--cluster-port", "0", "--seed-node", seed, "--node-id", "fixture-a")) {
            Set<ActorRef<NodeService.Command>> refs = awaitListing(listings, false);
            assertEquals(1, refs.size());
            TestProbe<NodeService.NodeInfo> infos = kit.createTestProbe();
            refs.iterator().next().tell(new NodeService.Describe(infos.getRef()));
            NodeService.NodeInfo info = infos.receiveMessage(Duration.ofSeconds(30));
            assertEquals("fixture-a", info.nodeId());
            assertEquals("127.0.0.1:" + node.grpcPort, info.endpoint());
            ModelCard card = info.card();
            assertEquals("fixture", card.name());
            assertEquals(node.sha256, card.sha256());
            assertArrayEquals(new int[]{3, 32, 32}, card.latentShape());
            assertEquals(4, card.contextLength());
            // the listing can reach us before the member is Up on a loaded machine: wait for it
            awaitTrue(ClusterMembershipTest::hasModelNodeMember, "the node is an Up member with role model-node");

            // the endpoint in the card serves that model
            try (ModelNodeClient client = ModelNodeClient.connect(info.endpoint())) {
                assertEquals(card.sha256(), client.describe().sha256());
            }

            assertEquals(0, node.terminate(), node.logText());
            assertTrue(awaitListing(listings, true).isEmpty());
            awaitTrue(() -> !hasModelNodeMember(), "the node left the cluster");
        }
    }

    /** SIGTERM while a (slow, synthetic) request is in flight: the request is finished, then the node leaves. */
    @Test
    void inFlightRequestsFinishOnSigterm() throws Exception {
        TestProbe<Receptionist.Listing> listings = subscribeToNodes();
        try (NodeProcess node = NodeProcess.start("--synthetic", "shape=2x8x8,attention=4x4,context=4,cost=1500ms", "--port", "0",
                "--cluster-port", "0", "--seed-node", seed);
             ModelNodeClient client = ModelNodeClient.connect("127.0.0.1", node.grpcPort)) {
            awaitListing(listings, false);
            ModelCard card = client.describe();
            assertTrue(card.synthetic());
            DenoiseSession job = client.open("slow-job");
            CompletableFuture<StepReply> inFlight = job.step(StepRequest.newBuilder().setTimestep(500).setPrevTimestep(480)
                    .setX(TensorCodec.encode(FloatTensor.zeros(1, 2, 8, 8)))
                    .setTokens(TensorCodec.encodeTokens(new long[][]{card.contextFor(dnd.common.model.Concept.parse("star", card.colours()))}))
                    .setGuidanceScale(2).build());
            awaitTrue(() -> client.stats().getStepRequests() >= 1, "the node accepted the request");
            node.process.destroy(); // SIGTERM
            StepReply r = inFlight.get(60, TimeUnit.SECONDS);
            assertEquals(1, r.getBatchSize());
            assertArrayEquals(new int[]{1, 2, 8, 8}, TensorCodec.decodeFloat(r.getMean(), "mean").shape());
            assertTrue(node.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, node.process.exitValue(), node.logText());
            awaitListing(listings, true);
        }
    }

    /** A node the cluster downs exits with status 3 (so a service manager restarts it), not 0. */
    @Test
    void aDownedNodeExitsWithStatus3() throws Exception {
        TestProbe<Receptionist.Listing> listings = subscribeToNodes();
        try (NodeProcess node = NodeProcess.start("--synthetic", "shape=2x8x8,attention=4x4,context=4,cost=0ms", "--port", "0",
                "--cluster-port", "0", "--seed-node", seed)) {
            awaitListing(listings, false);
            String[] hp = node.clusterEndpoint.split(":");
            Cluster.get(kit.system()).manager().tell(new org.apache.pekko.cluster.typed.Down(
                    new org.apache.pekko.actor.Address("pekko", DndCluster.SYSTEM_NAME, hp[0], Integer.parseInt(hp[1]))));
            assertTrue(node.process.waitFor(60, TimeUnit.SECONDS), "a downed node stops");
            assertEquals(3, node.process.exitValue(), node.logText());
            awaitListing(listings, true);
        }
    }
}
