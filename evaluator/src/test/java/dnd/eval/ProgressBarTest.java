package dnd.eval;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ProgressBarTest {

    @Test
    void logModePrintsOneLinePerTenthAndEndsAtTheTotal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int done = 0; done <= 200; done += 4) bar.progress(done, 200, "two_object dnd");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length, bytes.toString(StandardCharsets.UTF_8));
        assertTrue(lines[10].startsWith("eval: 200/200 images (100%)"), lines[10]);
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }

    @Test
    void terminalModeRedrawsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        bar.progress(0, 4, "a");
        bar.progress(2, 4, "b");
        bar.progress(4, 4, "c");
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(3, s.chars().filter(c -> c == '\r').count());
        assertTrue(s.endsWith("\n") && s.contains("[###############...............] 2/4"), s);
    }
}
