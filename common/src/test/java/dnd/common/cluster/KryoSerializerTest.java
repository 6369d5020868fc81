package dnd.common.cluster;

import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KryoSerializerTest {

    static ActorSystem<Void> system;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "kryo-test");
        serialization = SerializationExtension.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
    }

    @AfterAll
    static void stop() { system.terminate(); }

    static ModelCard card() {
        return new ModelCard("apparel", "3", "ab12", new int[]{3, 32, 32}, ScheduleSpec.linearDefault(), 4,
                Map.of("<start>", 0L, "<null>", 1L, "<pad>", 2L, "trouser", 3L, "red", 5L), List.of("trouser"), List.of("red"),
                new int[]{8, 8}, 3.0, 25, List.of("eps", "attention"), "torchscript", false, "test card", 16);
    }

    private Object roundTrip(Object o) {
        Serializer s = serialization.findSerializerFor(o);
        assertEquals(KryoSerializer.IDENTIFIER, s.identifier(), "KryoMessage must be bound to the Kryo serializer");
        byte[] bytes = s.toBinary(o);
        return serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, o)).get();
    }

    @Test
    void nodeInfoWithCardRoundTrips() {
        ModelCard card = card();
        var info = new NodeService.NodeInfo(card, "10.0.0.7", 7101, "node-a");
        var back = (NodeService.NodeInfo) roundTrip(info);
        assertEquals("10.0.0.7:7101", back.endpoint());
        assertEquals("node-a", back.nodeId());
        ModelCard c = back.card();
        assertArrayEquals(card.latentShape(), c.latentShape());
        assertArrayEquals(card.attentionShape(), c.attentionShape());
        assertEquals(card.tokens(), c.tokens());
        assertEquals(card.items(), c.items());
        assertEquals(card.schedule(), c.schedule());
        assertEquals(card.description(), c.description());
        assertEquals(16, c.maxBatch());
    }

    @Test
    void describeCarriesAResolvableActorRef() {
        ActorRef<NodeService.NodeInfo> ref = system.systemActorOf(Behaviors.empty(), "probe", org.apache.pekko.actor.typed.Props.empty());
        var back = (NodeService.Describe) roundTrip(new NodeService.Describe(ref));
        assertEquals(ref, back.replyTo());
    }

    @Test
    void unregisteredClassIsRefused() {
        record Stray(int a) implements KryoMessage {}
        Serializer s = serialization.findSerializerFor(new Stray(1));
        assertThrows(IllegalArgumentException.class, () -> s.toBinary(new Stray(1)));
    }

    @Test
    void externalRegistrationsAreValidated() {
        var bad = com.typesafe.config.ConfigFactory.parseString("dnd.kryo.registrations { \"java.lang.Object\" = 12 }");
        var e = assertThrows(IllegalArgumentException.class, () -> KryoSerializer.externalRegistrations(bad));
        assertTrue(e.getMessage().contains("below"), e.getMessage());
        var ok = com.typesafe.config.ConfigFactory.parseString("dnd.kryo.registrations { \"java.util.UUID\" = 250 }");
        assertEquals(Map.of(java.util.UUID.class, 250), KryoSerializer.externalRegistrations(ok));
    }
}
