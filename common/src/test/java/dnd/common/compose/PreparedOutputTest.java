package dnd.common.compose;

import static dnd.common.compose.CompositionOracleTest.GMM;
import static dnd.common.compose.CompositionOracleTest.player;
import static org.junit.jupiter.api.Assertions.*;

import dnd.common.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Outputs prepared on other threads, in any order, give the bits of outputs accepted raw. */
class PreparedOutputTest {

    private final SamplerConfig cfg = new SamplerConfig(8, 5, 2.0, 0.5);
    private final List<PlayerSpec> players = List.of(player("left"), player("right"), player("dot"));

    @Test
    void outputsPreparedOnOtherThreadsInAnyOrderGiveTheBitsOfRawOnes() throws Exception {
        for (String method : List.of("dnd", "average", "multidiffusion")) {
            Map<String, String> options = method.equals("dnd") ? Map.of("gamma", "1", "repel", "1") : Map.of();
            FloatTensor raw = LocalSampler.run(Compositions.create(method, options, players, cfg), players, List.of(GMM, GMM, GMM)).latent();
            FloatTensor prepared = runPreparedInParallel(Compositions.create(method, options, players, cfg));
            assertArrayEquals(raw.data(), prepared.data(), method + ": the same bits");
        }
    }

    @Test
    void anOutputPreparedForAnotherStepIsRefused() {
        Composition c = Compositions.create("dnd", Map.of(), players, cfg);
        List<Composition.PlayerRequest> step0 = c.stepRequests();
        List<Composition.PreparedOutput> prepared = new ArrayList<>();
        for (Composition.PlayerRequest r : step0) prepared.add(c.prepare(r, LocalSampler.step(players.get(r.player()), GMM, r)));
        assertTrue(c.acceptPrepared(prepared).isEmpty(), "no guidance at gamma 0");
        c.acceptGuidance(List.of());
        assertNotSame(step0, c.stepRequests());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.acceptPrepared(prepared));
        assertTrue(e.getMessage().contains("not prepared from step 1"), e.getMessage());
    }

    @Test
    void stepRequestsAreTheSameObjectsUntilTheStepIsAccepted() {
        Composition c = Compositions.create("average", Map.of(), players, cfg);
        List<Composition.PlayerRequest> first = c.stepRequests();
        assertSame(first, c.stepRequests(), "a driver may ask twice and prepare against either answer");
        assertEquals(0, first.get(2).step());
    }

    @Test
    void aBadOutputIsRefusedWhenPreparedNamingThePlayer() {
        Composition c = Compositions.create("dnd", Map.of(), players, cfg);
        Composition.PlayerRequest r = c.stepRequests().get(1);
        Composition.PlayerOutput good = LocalSampler.step(players.get(1), GMM, r);
        float[] bad = good.epsCond().data().clone();
        bad[3] = Float.NaN;
        Composition.PlayerOutput nan = new Composition.PlayerOutput(new FloatTensor(good.epsCond().shape(), bad), good.epsUncond(), good.attention());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.prepare(r, nan));
        assertTrue(e.getMessage().contains("player 1") && e.getMessage().contains("non-finite"), e.getMessage());
    }

    /** Drives c like the job actor: each player's output computed and prepared on a pool thread, joined in reverse order. */
    private FloatTensor runPreparedInParallel(Composition c) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            while (!c.done()) {
                List<Composition.PlayerRequest> requests = c.stepRequests();
                List<Future<Composition.PreparedOutput>> futures = new ArrayList<>();
                List<Composition.PlayerRequest> shuffled = new ArrayList<>(requests);
                Collections.reverse(shuffled);
                for (Composition.PlayerRequest r : shuffled)
                    futures.add(pool.submit(() -> c.prepare(r, LocalSampler.step(players.get(r.player()), GMM, r))));
                Composition.PreparedOutput[] byPlayer = new Composition.PreparedOutput[requests.size()];
                for (Future<Composition.PreparedOutput> f : futures) {
                    Composition.PreparedOutput p = f.get();
                    byPlayer[p.request().player()] = p;
                }
                List<Composition.GuidanceRequest> guidance = c.acceptPrepared(Arrays.asList(byPlayer));
                List<FloatTensor> grads = new ArrayList<>();
                for (Composition.GuidanceRequest g : guidance) grads.add(LocalSampler.guide(players.get(g.player()), GMM, g));
                c.acceptGuidance(grads);
            }
            return c.result();
        } finally {
            pool.shutdownNow();
        }
    }
}
