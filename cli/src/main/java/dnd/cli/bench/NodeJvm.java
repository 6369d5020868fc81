package dnd.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code dnd node} in a JVM of its own, started from this JVM's class path (the shaded jar when
 * the bench runs from it), as a real deployment runs one. Ports are picked by the node (0) and
 * read from its "dnd node ready" line; its log goes to a temporary file named in errors.
 */
final class NodeJvm implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("dnd node ready: model=(\\S+) .*grpc=(\\S+) cluster=");

    private final String name;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Matcher> ready;

    private NodeJvm(String name, Process process, Path log, CompletableFuture<Matcher> ready) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ready = ready;
    }

    /** Launches the JVM without waiting for it: call {@link #awaitReady} (several nodes start in parallel). */
    static NodeJvm launch(String name, List<String> jvmOptions, List<String> nodeArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Ddnd.home=" + System.getProperty("dnd.home", "."));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dnd.cli.Main", "node"));
        cmd.addAll(nodeArgs);
        try {
            Path log = Files.createTempFile("dnd-bench-" + name + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().putIfAbsent("DJL_OFFLINE", "true");
            pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
            Process p = pb.start();
            CompletableFuture<Matcher> ready = new CompletableFuture<>();
            // Reads stdout to its end, so the node never blocks on a full pipe.
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        Matcher m = READY.matcher(line);
                        if (!ready.isDone() && m.find()) ready.complete(m);
                    }
                } catch (IOException e) {
                    // the process ended
                }
                ready.complete(null);
            }, "dnd-bench-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
            return new NodeJvm(name, p, log, ready);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name + ": " + e.getMessage(), e);
        }
    }

    /** Waits for the "ready" line; fails with the node's log when it does not come. */
    void awaitReady(Duration timeout) {
        Matcher m;
        try {
            m = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            m = null;
        }
        if (m == null) {
            close();
            throw new IllegalStateException("node " + name + " did not start within " + timeout.toSeconds() + " s; its log (" + log + "):\n" + tail());
        }
    }

    String name() { return name; }

    long pid() { return process.pid(); }

    /** The node's gRPC endpoint, host:port (after {@link #awaitReady}). */
    String endpoint() { return ready.join().group(2); }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (graceful leave), then kill after a while; the log is deleted. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file
        }
    }
}
