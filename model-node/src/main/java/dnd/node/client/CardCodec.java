package dnd.node.client;

import dnd.common.model.ModelCard;
import dnd.common.model.ScheduleSpec;
import dnd.proto.NoiseSchedule;

import java.util.Map;
import java.util.TreeMap;

/** Model card: domain record to proto and back. */
public final class CardCodec {

    private CardCodec() {}

    public static dnd.proto.ModelCard toProto(ModelCard c) {
        var b = dnd.proto.ModelCard.newBuilder()
                .setName(c.name()).setVersion(c.version()).setSha256(c.sha256())
                .setSchedule(NoiseSchedule.newBuilder().setBetas(c.schedule().betas()).setBetaStart(c.schedule().betaStart())
                        .setBetaEnd(c.schedule().betaEnd()).setTrainSteps(c.schedule().trainSteps()).setPrediction(c.schedule().prediction()))
                .setContextLength(c.contextLength())
                .putAllTokens(new TreeMap<>(c.tokens()))
                .addAllItems(c.items()).addAllColours(c.colours())
                .setGuidanceScale(c.guidanceScale()).setRecommendedSteps(c.recommendedSteps())
                .addAllCapabilities(c.capabilities()).setBackend(c.backend()).setSynthetic(c.synthetic())
                .setDescription(c.description()).setMaxBatch(c.maxBatch());
        for (int d : c.latentShape()) b.addLatentShape(d);
        for (int d : c.attentionShape()) b.addAttentionShape(d);
        return b.build();
    }

    public static ModelCard fromProto(dnd.proto.ModelCard p) {
        NoiseSchedule s = p.getSchedule();
        return new ModelCard(p.getName(), p.getVersion(), p.getSha256(), ints(p.getLatentShapeList()),
                new ScheduleSpec(s.getBetas(), s.getBetaStart(), s.getBetaEnd(), s.getTrainSteps(), s.getPrediction()),
                p.getContextLength(), Map.copyOf(p.getTokensMap()), p.getItemsList(), p.getColoursList(),
                ints(p.getAttentionShapeList()), p.getGuidanceScale(), p.getRecommendedSteps(), p.getCapabilitiesList(),
                p.getBackend(), p.getSynthetic(), p.getDescription(), p.getMaxBatch());
    }

    private static int[] ints(java.util.List<Long> l) {
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(l.get(i));
        return out;
    }
}
