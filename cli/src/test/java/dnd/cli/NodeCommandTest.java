package dnd.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class NodeCommandTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void refusesToStartWithoutExactlyOneBackend() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "node", "--port", "0"));
        assertTrue(err.toString().contains("exactly one backend"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "node", "--synthetic", "shape=1x4x4", "--gmm", "default"));
        assertTrue(err.toString().contains("exactly one backend"), err.toString());
    }

    @Test
    void badFlagsAreNamed() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "node", "--synthetic", "shape=1x4", "--port", "0", "--cluster-port", "0"));
        assertTrue(err.toString().contains("shape"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "node", "--model", "/nonexistent/model", "--port", "0"));
        assertTrue(err.toString().contains("model.json"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "node", "--gmm", "default", "--seed-node", "nohost", "--port", "0"));
        assertTrue(err.toString().contains("host:port"), err.toString());
    }

    @Test
    void flagsOverrideTheHoconDefaults() {
        NodeCommand c = new NodeCommand();
        new CommandLine(c).parseArgs("--gmm", "default", "--max-batch", "5", "--max-wait", "0.5", "--seed-node", "10.0.0.5:2551");
        var cfg = c.config();
        assertEquals(5, cfg.maxBatch());
        assertEquals(500, cfg.maxWaitMicros());
        assertEquals(7101, cfg.port(), "from reference.conf");
        assertEquals(java.util.List.of("10.0.0.5:2551"), cfg.seedNodes());
        assertEquals("cpu", cfg.device());
        assertFalse(cfg.fixedBatch(), "off unless asked");
        NodeCommand fixed = new NodeCommand();
        new CommandLine(fixed).parseArgs("--gmm", "default", "--fixed-batch");
        assertTrue(fixed.config().fixedBatch());
    }
}
