package dnd.tests.node;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code dnd node} in a JVM of its own: the shaded cli/target/dnd.jar when it has been packaged
 * (as in {@code mvn verify}), else {@code dnd.cli.Main} on this test's class path. Ports are
 * chosen by the node (0) and read from its "dnd node ready" line.
 */
final class NodeProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("dnd node ready: .* grpc=([^ ]+):(\\d+) cluster=([^ ]+) sha256=([0-9a-f]*)");

    final Process process;
    final int grpcPort;
    final String clusterEndpoint;
    final String sha256;
    final Path log;

    private NodeProcess(Process p, int grpcPort, String cluster, String sha, Path log) {
        this.process = p;
        this.grpcPort = grpcPort;
        this.clusterEndpoint = cluster;
        this.sha256 = sha;
        this.log = log;
    }

    static Path repoRoot() {
        String prop = System.getProperty("dnd.repo.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        for (Path q = p.toAbsolutePath(); q != null; q = q.getParent())
            if (Files.isDirectory(q.resolve("models/fixture"))) return q;
        throw new IllegalStateException("repository root with models/fixture not found from " + p);
    }

    static Path fixture() { return repoRoot().resolve("models/fixture"); }

    static NodeProcess start(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        Path jar = repoRoot().resolve("cli/target/dnd.jar");
        if (jarIsCurrent(jar)) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("dnd.cli.Main");
        }
        cmd.add("node");
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("dnd-node-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) return m;
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        Matcher m;
        try {
            m = ready.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            m = null;
        }
        if (m == null) {
            p.destroyForcibly();
            throw new IllegalStateException("dnd node did not start: " + String.join(" ", cmd) + "\n" + Files.readString(log));
        }
        return new NodeProcess(p, Integer.parseInt(m.group(2)), m.group(3), m.group(4), log);
    }

    /** The shaded jar, when it is at least as new as every compiled class it packages (else: the class path). */
    private static boolean jarIsCurrent(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) return false;
        long built = Files.getLastModifiedTime(jar).toMillis();
        for (String module : List.of("proto", "common", "model-node", "coordinator", "cli")) {
            Path classes = repoRoot().resolve(module).resolve("target/classes");
            if (!Files.isDirectory(classes)) continue;
            try (var files = Files.walk(classes)) {
                if (files.anyMatch(f -> {
                    try {
                        return Files.isRegularFile(f) && Files.getLastModifiedTime(f).toMillis() > built;
                    } catch (IOException e) {
                        return true;
                    }
                })) return false;
            }
        }
        return true;
    }

    String logText() throws IOException { return Files.readString(log); }

    /** SIGTERM, then wait for a graceful exit; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException("dnd node ignored SIGTERM for 60 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
        new File(log.toString()).delete();
    }
}
