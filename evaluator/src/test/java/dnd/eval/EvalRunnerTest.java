package dnd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dnd.common.tensor.FloatTensor;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.DType;
import dnd.proto.ImageResult;
import dnd.proto.JobDone;
import dnd.proto.Player;
import dnd.proto.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The evaluation pipeline on images whose answer is known: a Composer service (in-process gRPC)
 * whose method "exact" paints every player's item from real Fashion-MNIST TEST images in the
 * asked colour, and whose method "drop-last" leaves the last player out. The runner, the gRPC
 * image source, the committed classifier, the scores and the files must tell them apart. Skipped
 * while models/evaluator is absent.
 */
class EvalRunnerTest {

    static ObjectDetector detector;
    static FashionMnist data;

    @BeforeAll
    static void load() throws IOException {
        Assumptions.assumeTrue(EvaluatorModels.present(), "models/evaluator not present");
        detector = ObjectDetector.load(EvaluatorModels.dir());
        data = FashionMnist.sample();
    }

    @AfterAll
    static void close() {
        if (detector != null) detector.close();
    }

    /** Paints the request's players (method "drop-last": all but the last); image i from seed + i. */
    static final class PaintingComposer extends ComposerGrpc.ComposerImplBase {
        @Override
        public void compose(ComposeRequest r, StreamObserver<ComposeEvent> out) {
            if (!List.of("exact", "drop-last").contains(r.getMethod())) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("method: unknown '" + r.getMethod() + "'").asRuntimeException());
                return;
            }
            for (int i = 0; i < r.getImages(); i++) {
                TestCanvasComposer composer = new TestCanvasComposer(data, r.getSeed() + i);
                List<TestCanvasComposer.Obj> objs = new ArrayList<>();
                for (Player p : r.getPlayersList()) {
                    String[] words = p.getConcept().split(" ", 2);
                    objs.add(new TestCanvasComposer.Obj(ClassNames.normalise(words[1]), detector.card().palette().get(words[0])));
                }
                if (r.getMethod().equals("drop-last")) objs.remove(objs.size() - 1);
                FloatTensor img = null;
                while (img == null) img = composer.compose(objs);
                out.onNext(ComposeEvent.newBuilder().setImage(ImageResult.newBuilder().setImage(i).setSeed(r.getSeed() + i)
                        .setPng(ByteString.copyFrom(png(img))).setLatent(tensor(img))).build());
            }
            out.onNext(ComposeEvent.newBuilder().setDone(JobDone.newBuilder().setImages(r.getImages())).build());
            out.onCompleted();
        }
    }

    @Test
    void scoresSeparateACorrectFromABrokenMethodAndFilesAreWritten(@TempDir Path dir) throws Exception {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).addService(new PaintingComposer()).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            List<Specialist> specialists = List.of(
                    new Specialist("apparel", List.of("trouser", "dress"), List.of("red", "green", "blue", "yellow")),
                    new Specialist("footwear", List.of("sneaker", "ankle_boot"), List.of("red", "green", "blue", "yellow")),
                    new Specialist("accessories", List.of("bag", "sandal"), List.of("red", "green", "blue", "yellow")));
            Map<String, Map<String, String>> options = Map.of("exact", Map.of("k", "v"), "drop-last", Map.of());
            EvalPlan plan = new EvalPlan(List.of(Task.TWO_OBJECT, Task.COLOR_ATTR), List.of("exact", "drop-last"), options, specialists, 8, 3, new SamplerSettings(0, 0, 0, 0), 5, false);
            List<int[]> progress = new ArrayList<>();
            OutputWriter writer = new OutputWriter(dir);
            List<ImageRecord> records = new EvalRunner(new ComposerImageSource(channel, 60), detector, java.util.Optional.of(writer),
                    (done, total, what) -> progress.add(new int[]{done, total}), 3).run(plan);
            // the same plan run one composition at a time gives the same verdicts in the same order
            List<ImageRecord> sequential = new EvalRunner(new ComposerImageSource(channel, 60), detector, java.util.Optional.empty(), ProgressListener.NONE, 1).run(plan);
            assertEquals(records, sequential);

            assertEquals(plan.totalImages(), records.size());
            var scores = Scores.aggregate(records);
            for (Task t : plan.tasks()) {
                Score exact = scores.get(t).get("exact"), dropped = scores.get(t).get("drop-last");
                assertEquals(24, exact.images());
                assertEquals(8, exact.prompts());
                assertTrue(exact.imagesPct() >= 60, t + " exact: " + exact);
                assertTrue(dropped.imagesPct() <= 10, t + " drop-last: " + dropped);
                assertTrue(exact.promptsPct() >= exact.imagesPct() && dropped.promptsPct() >= dropped.imagesPct());
            }
            assertArrayEquals(new int[]{plan.totalImages(), plan.totalImages()}, progress.get(progress.size() - 1));

            // files: every image, prompts, verdicts and a contact sheet per method
            ObjectMapper json = new ObjectMapper();
            for (Task t : plan.tasks()) {
                JsonNode prompts = json.readTree(dir.resolve(t.id()).resolve("prompts.json").toFile());
                assertEquals(8, prompts.size());
                assertEquals(2, prompts.get(0).get("players").size());
                assertTrue(prompts.get(0).get("players").get(0).has("model") && prompts.get(0).get("players").get(0).has("colour"));
                for (String m : plan.methods()) {
                    Path md = dir.resolve(t.id()).resolve(m);
                    for (int p = 0; p < 8; p++)
                        for (int i = 0; i < 3; i++) assertNotNull(ImageIO.read(md.resolve(p + "-" + i + ".png").toFile()), md + "/" + p + "-" + i + ".png");
                    JsonNode verdicts = json.readTree(md.resolve("verdicts.json").toFile());
                    assertEquals(24, verdicts.size());
                    long correct = 0;
                    for (JsonNode v : verdicts) if (v.get("correct").asBoolean()) correct++;
                    assertEquals(scores.get(t).get(m).imagesPct(), 100.0 * correct / 24, 1e-9);
                    BufferedImage sheet = ImageIO.read(md.resolve("contact-sheet.png").toFile());
                    assertTrue(sheet.getWidth() > 3 * 64 && sheet.getHeight() > 8 * 64, "contact sheet " + sheet.getWidth() + "x" + sheet.getHeight());
                }
            }
            // a method the server does not know is an error naming the job, not a silent zero
            EvalPlan bad = new EvalPlan(List.of(Task.TWO_OBJECT), List.of("nope"), Map.of("nope", Map.of()), specialists, 1, 1, new SamplerSettings(0, 0, 0, 0), 5, false);
            var e = assertThrows(IllegalStateException.class,
                    () -> new EvalRunner(new ComposerImageSource(channel, 60), detector, java.util.Optional.empty(), ProgressListener.NONE).run(bad));
            assertTrue(e.getMessage().contains("INVALID_ARGUMENT") && e.getMessage().contains("nope"), e.getMessage());
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    static byte[] png(FloatTensor img) {
        int h = img.dim(1), w = img.dim(2), n = h * w;
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bi.setRGB(x, y, (ContactSheet.byte255(img.data()[y * w + x]) << 16) | (ContactSheet.byte255(img.data()[n + y * w + x]) << 8)
                        | ContactSheet.byte255(img.data()[2 * n + y * w + x]));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(bi, "png", bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Tensor tensor(FloatTensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : t.data()) b.putFloat(f);
        Tensor.Builder tb = Tensor.newBuilder().setDtype(DType.FLOAT32).setData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) tb.addShape(d);
        return tb.build();
    }
}
