package dnd.cli.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Options every cluster benchmark shares (a picocli mixin). */
public final class BenchOptions {

    @Option(names = "--json", description = "Print {\"results\":[...]} instead of a table.")
    boolean json;

    @Option(names = "--node-threads", defaultValue = "1",
            description = "libtorch intra-op threads per node JVM (0: libtorch's default, every core). Default: ${DEFAULT-VALUE}.")
    int nodeThreads;

    @Option(names = "--node-jvm-options", defaultValue = "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", paramLabel = "OPTS",
            description = {"Options of each node JVM, space-separated. Default: ${DEFAULT-VALUE}.",
                    "(C1 only: a node's Java work is glue around the model; C2 compiling for minutes took a third of the nodes' CPU on 2 cores.)"})
    String nodeJvmOptions;

    NodeOptions nodeOptions() {
        List<String> opts = Arrays.stream(nodeJvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        return new NodeOptions(nodeThreads, opts);
    }

    /** The coordinator in this JVM logs warnings only (its per-job INFO lines would drown the table), unless DND_LOG is set. */
    static void quietLogs() {
        if (System.getenv("DND_LOG") != null) return;
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) root.setLevel(Level.WARN);
    }
}
