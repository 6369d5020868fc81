package dnd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dnd.common.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java finder against the Python reference (training/evaluator.py), on 100 canvases made by
 * evaluator/src/test/python/make_finder_golden.py: the same parts (foreground and region
 * masks, in the same order), the same colour names and the same canonical crops.
 */
class FinderParityTest {

    @Test
    void javaFinderReproducesThePythonReference() throws IOException {
        JsonNode golden;
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("finder-golden.json.gz"))) {
            golden = new ObjectMapper().readTree(in);
        }
        FinderConfig config = FinderConfig.fromJson(golden.get("finder"));
        ObjectFinder finder = new ObjectFinder(config);
        ColourNamer colours = new ColourNamer(config);
        int cases = 0, parts = 0, crops = 0, splits = 0;
        for (JsonNode c : golden.get("cases")) {
            Canvas canvas = Canvas.fromSigned(fromBytes(Base64.getDecoder().decode(c.get("canvas_u8").asText())));
            List<Part> found = finder.find(canvas);
            JsonNode expected = c.get("parts");
            assertEquals(expected.size(), found.size(), "number of parts on canvas " + cases);
            for (int k = 0; k < found.size(); k++) {
                JsonNode e = expected.get(k);
                Part p = found.get(k);
                String where = "canvas " + cases + " part " + k;
                assertArrayEquals(bits(e.get("fg").asText()), p.fg(), "foreground pixels of " + where);
                assertArrayEquals(bits(e.get("region").asText()), p.region(), "region of " + where);
                assertEquals(e.get("colour").asText(), colours.name(canvas, p), "colour of " + where);
                if (e.has("crop")) {
                    float[] masked = new float[canvas.pixels()];
                    for (int i = 0; i < masked.length; i++) masked[i] = p.region()[i] ? canvas.v()[i] : 0f;
                    float[] crop = CanonicalCrop.of(masked, 32, 32, config.canonicalThreshold());
                    float[] want = new float[crop.length];
                    for (int i = 0; i < want.length; i++) want[i] = (float) e.get("crop").get(i).asDouble();
                    assertArrayEquals(want, crop, 2e-6f, "canonical crop of " + where);
                    crops++;
                }
                parts++;
                // an unsplit part's region is exactly its dilated foreground; a split one's is not
                if (!java.util.Arrays.equals(ObjectFinder.dilate3(p.fg(), 32, 32), p.region())) splits++;
            }
            cases++;
        }
        assertEquals(100, cases);
        // the golden set must exercise the interesting paths, or parity means little
        assertTrue(parts > 2 * cases, "parts: " + parts);
        assertTrue(crops >= 10, "crops compared: " + crops);
        assertTrue(splits >= 10, "split parts: " + splits);
    }

    /**
     * Whole detections (class, probability, colour, pixel count) against the Python reference,
     * when the golden file was made with the committed classifier (same SHA-256): this checks the
     * DJL forward, the softmax and the min_class_prob rule too.
     */
    @Test
    void javaDetectionsMatchThePythonReferenceForTheCommittedClassifier() throws Exception {
        JsonNode golden;
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("finder-golden.json.gz"))) {
            golden = new ObjectMapper().readTree(in);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(EvaluatorModels.present() && golden.has("classifier_sha256"), "no committed classifier or no golden detections");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.nio.file.Files.readAllBytes(EvaluatorModels.dir().resolve("classifier.pt"))));
        org.junit.jupiter.api.Assumptions.assumeTrue(sha.equals(golden.get("classifier_sha256").asText()),
                "golden detections were made with another classifier: rerun make_finder_golden.py with models/evaluator");
        java.util.List<FloatTensor> images = new java.util.ArrayList<>();
        for (JsonNode c : golden.get("cases")) images.add(fromBytes(Base64.getDecoder().decode(c.get("canvas_u8").asText())));
        try (ObjectDetector detector = ObjectDetector.load(EvaluatorModels.dir())) {
            List<List<DetectedObject>> found = detector.detect(images);
            for (int i = 0; i < found.size(); i++) {
                JsonNode want = golden.get("detections").get(i);
                assertEquals(want.size(), found.get(i).size(), "objects on canvas " + i);
                for (int k = 0; k < want.size(); k++) {
                    DetectedObject o = found.get(i).get(k);
                    JsonNode w = want.get(k);
                    String where = "canvas " + i + " object " + k;
                    assertEquals(w.get("class").isNull() ? null : w.get("class").asText(), o.item().orElse(null), "class of " + where);
                    assertEquals(w.get("prob").asDouble(), o.probability(), 1e-5, "probability of " + where);
                    assertEquals(w.get("colour").asText(), o.colour(), "colour of " + where);
                    assertEquals(w.get("pixels").asInt(), o.pixels(), "pixels of " + where);
                }
            }
        }
    }

    /** 8-bit canvas [3,32,32] to the float32 values the Python script fed its finder. */
    static FloatTensor fromBytes(byte[] q) {
        float[] d = new float[q.length];
        for (int i = 0; i < q.length; i++) d[i] = ((q[i] & 0xff) / 255f) * 2f - 1f;
        return new FloatTensor(new int[]{3, 32, 32}, d);
    }

    private static boolean[] bits(String b64) {
        byte[] packed = Base64.getDecoder().decode(b64);
        boolean[] out = new boolean[packed.length * 8];
        for (int i = 0; i < out.length; i++) out[i] = ((packed[i / 8] >> (7 - i % 8)) & 1) == 1;
        return out;
    }
}
