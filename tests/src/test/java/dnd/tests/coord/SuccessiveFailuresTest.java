package dnd.tests.coord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model nodes failing one after another, a second apart (a rolling restart gone wrong, a failing
 * rack), must cost the cluster those nodes and nothing else. Each failure changes the members'
 * reachability, and the split-brain resolver decides only after 2 s without a change. With
 * Pekko's default {@code down-all-when-unstable} (at least 4 s) it downs EVERY member, the
 * coordinator and the healthy nodes included, when no decision has come 6 s after the first
 * change: six nodes killed 1 s apart keep the changes coming for about 5 s, and the resolver then
 * takes the whole cluster down instead of the six.
 */
@Timeout(180)
class SuccessiveFailuresTest {

    private static final String MODEL = "synth-x";
    private static final int VICTIMS = 6;

    @Test
    void theCoordinatorAndTheHealthyNodeOutliveNodesFailingASecondApart() throws Exception {
        try (LocalCluster cluster = new LocalCluster("successive-failures")) {
            cluster.startCoordinator();
            String spec = "shape=3x16x16,attention=4x4,context=4,cost=5ms,name=" + MODEL;
            List<LocalCluster.Proc> victims = new ArrayList<>();
            for (int i = 0; i < VICTIMS; i++) victims.add(cluster.startNode("victim-" + i, "--synthetic", spec));
            cluster.startNode("survivor", "--synthetic", spec);
            cluster.awaitReplicas(Map.of(MODEL, VICTIMS + 1), Duration.ofSeconds(120));

            for (LocalCluster.Proc victim : victims) {
                cluster.kill(victim);
                Thread.sleep(1_000);
            }
            // Past both outcomes: the last kill is unreachable about 4 s after it, the resolver
            // decides 2 s later (or has downed everyone 6 s after the first unreachability).
            Thread.sleep(15_000);

            // awaitReplicas first checks that every process the test did not kill still runs
            cluster.awaitReplicas(Map.of(MODEL, 1), Duration.ofSeconds(10));
            ComposeCall call = ComposeCall.run(cluster.composer(), LocalCluster.twoPlayerJob("after-the-failures", MODEL, 5, 3, Map.of()))
                    .assertSucceeded();
            assertEquals(5, call.progress().size(), "the surviving node serves a whole job");
        }
    }
}
