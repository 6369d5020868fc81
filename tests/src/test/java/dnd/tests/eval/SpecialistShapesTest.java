package dnd.tests.eval;

import dnd.common.model.Concept;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import dnd.eval.ClassNames;
import dnd.eval.EvaluatorCard;
import dnd.node.ModelNodeServer;
import dnd.node.NodeConfig;
import dnd.node.client.DenoiseSession;
import dnd.node.client.ModelNodeClient;
import dnd.node.client.TensorCodec;
import dnd.proto.GuidanceReply;
import dnd.proto.GuidanceRequest;
import dnd.proto.StepReply;
import dnd.proto.StepRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every shipped model (each models/NAME with a model.json) loads in a real ModelNode server and
 * answers a step and a guidance request over gRPC with the shapes its card promises and finite
 * values. When the evaluator is committed, each specialist's items are classes it can recognise
 * and its colours are in its palette, so `dnd eval` can judge what they draw.
 */
class SpecialistShapesTest {

    static Path root() { return Path.of(System.getProperty("dnd.repo.root", "..")).toAbsolutePath().normalize(); }

    static List<Path> shippedModels() throws Exception {
        try (Stream<Path> dirs = Files.list(root().resolve("models"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList();
        }
    }

    @Test
    void everyShippedModelAnswersWithTheShapesOfItsCard() throws Exception {
        List<Path> models = shippedModels();
        assertFalse(models.isEmpty(), "no model under " + root().resolve("models"));
        Optional<EvaluatorCard> evaluator = Files.isRegularFile(root().resolve("models/evaluator/evaluator.json"))
                ? Optional.of(EvaluatorCard.load(root().resolve("models/evaluator"))) : Optional.empty();
        for (Path dir : models) {
            try (ModelNodeServer node = ModelNodeServer.start(NodeConfig.model(dir).withCluster(false, 0, List.of()));
                 ModelNodeClient client = ModelNodeClient.connect(node.endpoint())) {
                ModelCard card = client.describe();
                String name = card.name();
                assertEquals(3, card.channels(), name + " channels");
                assertFalse(card.items().isEmpty(), name + " items");
                evaluator.ifPresent(e -> {
                    List<String> classes = e.classes().stream().map(ClassNames::normalise).toList();
                    for (String item : card.items())
                        assertTrue(classes.contains(ClassNames.normalise(item)), name + ": item '" + item + "' unknown to the evaluator " + classes);
                    for (String c : card.colours())
                        assertTrue(e.palette().containsKey(c), name + ": colour '" + c + "' not in the evaluator palette " + e.palette().keySet());
                });
                checkStepAndGuidance(client, card);
            }
        }
    }

    private static void checkStepAndGuidance(ModelNodeClient client, ModelCard card) throws Exception {
        int b = 2, c = card.channels(), h = card.height(), w = card.width(), ah = card.attentionShape()[0], aw = card.attentionShape()[1];
        FloatTensor x = randn(11, b, c, h, w);
        List<long[]> ctx = new ArrayList<>();
        ctx.add(card.contextFor(new Concept(card.items().get(0), Optional.of(card.colours().get(0)))));
        ctx.add(card.contextFor(new Concept(card.items().get(card.items().size() - 1), Optional.empty())));
        long[][] tokens = ctx.toArray(long[][]::new);
        try (DenoiseSession s = client.open("shapes-" + card.name())) {
            StepReply step = s.step(StepRequest.newBuilder().setStepIndex(0).setTimestep(500).setPrevTimestep(460)
                    .setX(TensorCodec.encode(x)).setTokens(TensorCodec.encodeTokens(tokens)).setGuidanceScale(card.guidanceScale())
                    .addAttentionPositions(ModelCard.ITEM_POSITION).setReproducible(true).build()).get(120, TimeUnit.SECONDS);
            assertShape(step.getEpsCond(), "eps_cond", b, c, h, w);
            assertShape(step.getEpsUncond(), "eps_uncond", b, c, h, w);
            assertShape(step.getMean(), "mean", b, c, h, w);
            FloatTensor attn = assertShape(step.getAttention(), "attention", b, 1, ah, aw);
            for (float v : attn.data()) assertTrue(v >= 0 && v <= 1, card.name() + ": attention probability " + v);
            assertNotEquals(TensorCodec.decodeFloat(step.getEpsCond(), "eps_cond"), TensorCodec.decodeFloat(step.getEpsUncond(), "eps_uncond"),
                    card.name() + ": the condition changes nothing");
            if (card.capabilities().contains("utility_grad")) {
                FloatTensor weights = randn(12, b, card.contextLength(), ah, aw);
                GuidanceReply g = s.guidance(GuidanceRequest.newBuilder().setStepIndex(0).setTimestep(500).setX(TensorCodec.encode(x))
                        .setTokens(TensorCodec.encodeTokens(tokens)).setWeights(TensorCodec.encode(weights)).setReproducible(true).build())
                        .get(120, TimeUnit.SECONDS);
                assertShape(g.getUtility(), "utility", b);
                FloatTensor grad = assertShape(g.getGrad(), "grad", b, c, h, w);
                double norm = 0;
                for (float v : grad.data()) norm += v * v;
                assertTrue(norm > 0, card.name() + ": zero utility gradient");
            }
        }
    }

    private static FloatTensor assertShape(dnd.proto.Tensor t, String field, int... shape) {
        FloatTensor f = TensorCodec.decodeFloat(t, field);
        assertArrayEquals(shape, f.shape(), field + " shape");
        for (float v : f.data()) assertTrue(Float.isFinite(v), field + " has a non-finite value");
        return f;
    }

    static FloatTensor randn(long seed, int... shape) {
        FloatTensor t = FloatTensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            t.data()[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return t;
    }
}
