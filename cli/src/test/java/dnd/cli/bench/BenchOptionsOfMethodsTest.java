package dnd.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnd.eval.MethodDefaults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmarks time the methods as users run them, and the peer computes what dnd computes. */
class BenchOptionsOfMethodsTest {

    @Test
    void benchmarksSendTheShippedOptionsWithOverridesOnTop() {
        Map<String, String> dnd = Options.shipped("dnd", List.of());
        assertEquals(MethodDefaults.forRequest("dnd"), dnd);
        assertEquals("2", dnd.get("gamma"), "dnd's shipped options include its guidance (a VJP round trip per step)");
        Map<String, String> noGuidance = Options.shipped("dnd", List.of("gamma=0"));
        assertEquals("0", noGuidance.get("gamma"));
        assertEquals(dnd.get("repel"), noGuidance.get("repel"), "an override replaces one option, not the rest");
        assertTrue(Options.shipped("average", List.of()).isEmpty());
        assertEquals("none", Options.label(Map.of()), "a method without options says so");
        assertEquals("beta=4,fairness=proportional,gamma=2,guidance-from=previous,repel=2,utility=attention", Options.label(dnd));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Options.shipped("average", List.of("x=1")));
        assertTrue(unknown.getMessage().contains("x") && unknown.getMessage().contains("average"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.shipped("dnd", List.of("gama=1")), "a misspelt option is caught before a cluster starts");
    }

    @Test
    void thePeerGetsDndsNumbersAndRefusesWhatItDoesNotImplement() {
        assertEquals(List.of("--beta-prime", "4.0", "--gamma", "2.0", "--guidance-from", "previous", "--repel", "2.0"),
                PeerOptions.arguments(Options.shipped("dnd", List.of())));
        assertEquals(List.of("--beta-prime", "4.0", "--delta", "0.1", "--gamma", "0.0", "--guidance-from", "current", "--repel", "2.0"),
                PeerOptions.arguments(Options.shipped("dnd", List.of("gamma=0", "delta=0.1", "guidance-from=current"))));
        IllegalArgumentException sharpen = assertThrows(IllegalArgumentException.class,
                () -> PeerOptions.arguments(Options.shipped("dnd", List.of("sharpen=2"))));
        assertTrue(sharpen.getMessage().contains("sharpen"), sharpen.getMessage());
        IllegalArgumentException envy = assertThrows(IllegalArgumentException.class,
                () -> PeerOptions.arguments(Options.shipped("dnd", List.of("fairness=envy-free"))));
        assertTrue(envy.getMessage().contains("fairness=envy-free"), envy.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerOptions.arguments(Options.shipped("dnd", List.of("gamma=-1"))));
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> PeerOptions.arguments(Options.shipped("dnd", List.of("guidance-from=next"))));
        assertTrue(order.getMessage().contains("guidance-from=next"), order.getMessage());
    }
}
