package dnd.common.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What every member of a dnd cluster agrees on: the actor system name, the roles, and the
 * cluster settings in {@code dnd-cluster.conf} (split brain resolver, failure detector). Building
 * a member's config here keeps nodes and coordinators from drifting apart.
 */
public final class DndCluster {

    /** Actor system name of every member (part of every cluster address). */
    public static final String SYSTEM_NAME = "dnd";
    public static final String ROLE_MODEL_NODE = "model-node";
    public static final String ROLE_COORDINATOR = "coordinator";

    private DndCluster() {}

    /** "host:port" to the Pekko address of a member: pekko://dnd@host:port. */
    public static String seedAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1)
            throw new IllegalArgumentException("seed node must be host:port, got '" + hostPort + "'");
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed node port must be 1..65535, got '" + hostPort + "'");
        }
        return "pekko://" + SYSTEM_NAME + "@" + hostPort;
    }

    /**
     * A cluster member's config: these flags override application.conf (and -D system
     * properties override both), which overrides dnd-cluster.conf, which overrides Pekko's
     * reference.conf. With no seed nodes the member forms its own cluster (joins itself).
     */
    public static Config memberConfig(String host, int port, List<String> roles, List<String> seedNodes) {
        List<String> seeds = new ArrayList<>();
        for (String s : seedNodes) seeds.add(seedAddress(s));
        Config flags = ConfigFactory.empty()
                .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
        Config base = ConfigFactory.parseResources(DndCluster.class.getClassLoader(), "dnd-cluster.conf");
        return ConfigFactory.load(flags.withFallback(ConfigFactory.defaultApplication()).withFallback(base));
    }
}
