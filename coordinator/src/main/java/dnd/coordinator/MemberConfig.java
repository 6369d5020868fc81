package dnd.coordinator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Pekko configuration of one cluster member (coordinator, node, or the embedded one-member
 * cluster). Failure detection is tuned so a killed node is unreachable after about 2 s, and the
 * split-brain resolver keeps the side with the oldest coordinator (the coordinator is started
 * first, so it is the oldest member).
 */
public final class MemberConfig {

    /** Every member of one cluster must use the same actor-system name. */
    public static final String SYSTEM_NAME = "dnd";

    private MemberConfig() {}

    /**
     * @param host  the address other members reach this one at
     * @param port  the Artery port (0: pick a free one)
     * @param seeds seed members as host:port (empty: this member is its own seed)
     * @param roles cluster roles, e.g. coordinator, node
     */
    public static Config of(String host, int port, List<String> seeds, List<String> roles) {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("cluster host is required");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("cluster port must be in 0..65535, got " + port);
        String seedList = seeds.stream().map(s -> quote("pekko://" + SYSTEM_NAME + "@" + s)).collect(Collectors.joining(","));
        String roleList = roles.stream().map(MemberConfig::quote).collect(Collectors.joining(","));
        String text = String.join("\n",
                "pekko.actor.provider = cluster",
                "pekko.remote.artery.canonical.hostname = " + quote(host),
                "pekko.remote.artery.canonical.port = " + port,
                "pekko.cluster.roles = [" + roleList + "]",
                "pekko.cluster.seed-nodes = [" + seedList + "]",
                "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                "pekko.cluster.split-brain-resolver.active-strategy = keep-oldest",
                "pekko.cluster.split-brain-resolver.keep-oldest.role = coordinator",
                "pekko.cluster.split-brain-resolver.keep-oldest.down-if-alone = off",
                "pekko.cluster.split-brain-resolver.stable-after = 2s",
                "pekko.cluster.failure-detector.heartbeat-interval = 200ms",
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1s",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.loglevel = INFO",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"");
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.load());
    }

    private static String quote(String s) { return "\"" + s.replace("\"", "") + "\""; }
}
