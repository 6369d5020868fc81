package dnd.cli.bench;

import java.util.List;

/**
 * How the benchmark's node JVMs run.
 *
 * @param threads    libtorch intra-op threads per node (0: libtorch's default, every core)
 * @param jvmOptions options of each node JVM, e.g. its heap
 */
record NodeOptions(int threads, List<String> jvmOptions) {
    NodeOptions {
        if (threads < 0) throw new IllegalArgumentException("--node-threads must be >= 0, got " + threads);
        jvmOptions = List.copyOf(jvmOptions);
    }
}
