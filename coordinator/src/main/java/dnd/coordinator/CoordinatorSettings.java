package dnd.coordinator;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a coordinator runs: where its Composer service listens and how patient it is with nodes.
 *
 * @param stepDeadline  a node request unanswered by then is retried on another replica
 * @param gracePeriod   a job fails only when a model has had no live replica for this long
 * @param retryInterval how often a waiting job looks again for a replica
 */
public record CoordinatorSettings(String host, int grpcPort, Duration stepDeadline, Duration gracePeriod,
                                  Duration retryInterval, Duration describeTimeout, int maxPlayers, int maxImages) {

    public CoordinatorSettings {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("coordinator host is required");
        if (grpcPort < 0 || grpcPort > 65535) throw new IllegalArgumentException("grpc-port must be in 0..65535, got " + grpcPort);
        requirePositive("step-deadline", stepDeadline);
        requirePositive("grace-period", gracePeriod);
        requirePositive("retry-interval", retryInterval);
        requirePositive("describe-timeout", describeTimeout);
        if (maxPlayers < 1) throw new IllegalArgumentException("max-players must be >= 1");
        if (maxImages < 1) throw new IllegalArgumentException("max-images must be >= 1");
    }

    /** Reads the {@code dnd.coordinator} section. */
    public static CoordinatorSettings from(Config config) {
        Config c = config.getConfig("dnd.coordinator");
        return new CoordinatorSettings(c.getString("host"), c.getInt("grpc-port"), c.getDuration("step-deadline"),
                c.getDuration("grace-period"), c.getDuration("retry-interval"), c.getDuration("describe-timeout"),
                c.getInt("max-players"), c.getInt("max-images"));
    }

    public CoordinatorSettings withGrpc(String newHost, int newPort) {
        return new CoordinatorSettings(newHost, newPort, stepDeadline, gracePeriod, retryInterval, describeTimeout, maxPlayers, maxImages);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be a positive duration");
    }
}
