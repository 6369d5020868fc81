package dnd.node.backend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ModelCardJsonTest {

    static final String CARD = """
            {"name": "m", "version": "2", "file": "w.pt",
             "latent": {"channels": 4, "height": 16, "width": 8},
             "schedule": {"betas": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "train_steps": 1000, "prediction": "epsilon"},
             "context_length": 5, "tokens": {"<start>": 0, "<null>": 1, "<pad>": 2, "cat": 3, "red": 4},
             "items": ["cat"], "colours": ["red"], "attention": {"height": 4, "width": 2},
             "guidance_scale": 7.5, "recommended_steps": 30, "capabilities": ["eps", "attention"], "description": "d"}
            """;

    @Test
    void loadsEveryFieldAndHashesTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), CARD);
        Files.writeString(dir.resolve("w.pt"), "abc");
        var l = ModelCardJson.load(dir, "torchscript", 12);
        var c = l.card();
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", c.sha256()); // SHA-256("abc")
        assertArrayEquals(new int[]{4, 16, 8}, c.latentShape());
        assertArrayEquals(new int[]{4, 2}, c.attentionShape());
        assertEquals("scaled_linear", c.schedule().betas());
        assertEquals(5, c.contextLength());
        assertEquals(4L, c.tokens().get("red"));
        assertEquals(7.5, c.guidanceScale());
        assertEquals(30, c.recommendedSteps());
        assertEquals(12, c.maxBatch());
        assertFalse(l.fixture());
    }

    @Test
    void missingOrWrongFieldsAreNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("w.pt"), "abc");
        Files.writeString(dir.resolve("model.json"), CARD.replace("\"context_length\": 5,", ""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCardJson.load(dir, "t", 4)).getMessage().contains("context_length"));
        Files.writeString(dir.resolve("model.json"), CARD.replace("\"height\": 16", "\"height\": \"16\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCardJson.load(dir, "t", 4)).getMessage().contains("height"));
        Files.writeString(dir.resolve("model.json"), CARD.replace("w.pt", "missing.pt"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCardJson.load(dir, "t", 4)).getMessage().contains("missing.pt"));
        Files.writeString(dir.resolve("model.json"), "{ not json");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCardJson.load(dir, "t", 4)).getMessage().contains("not valid JSON"));
    }
}
