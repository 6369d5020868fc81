package dnd.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the dnd command line in this JVM and captures what it prints on stdout. */
public record CliRun(int exitCode, String stdout) {

    public static CliRun of(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute(args);
        } finally {
            System.setOut(old);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8));
    }
}
