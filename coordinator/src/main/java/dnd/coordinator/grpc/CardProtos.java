package dnd.coordinator.grpc;

import dnd.common.model.ModelCard;
import dnd.coordinator.directory.DirectorySnapshot;
import dnd.proto.ModelInfo;
import dnd.proto.NoiseSchedule;
import dnd.proto.ReplicaInfo;
import java.util.Map;

/** Wire form of the directory's model entries. */
final class CardProtos {

    private CardProtos() {}

    static dnd.proto.ModelCard toProto(ModelCard c) {
        dnd.proto.ModelCard.Builder b = dnd.proto.ModelCard.newBuilder()
                .setName(c.name()).setVersion(c.version()).setSha256(c.sha256())
                .setSchedule(NoiseSchedule.newBuilder().setBetas(c.schedule().betas()).setBetaStart(c.schedule().betaStart())
                        .setBetaEnd(c.schedule().betaEnd()).setTrainSteps(c.schedule().trainSteps()).setPrediction(c.schedule().prediction()))
                .setContextLength(c.contextLength()).putAllTokens(c.tokens()).addAllItems(c.items()).addAllColours(c.colours())
                .setGuidanceScale(c.guidanceScale()).setRecommendedSteps(c.recommendedSteps()).addAllCapabilities(c.capabilities())
                .setBackend(c.backend()).setSynthetic(c.synthetic()).setDescription(c.description()).setMaxBatch(c.maxBatch());
        for (int d : c.latentShape()) b.addLatentShape(d);
        for (int d : c.attentionShape()) b.addAttentionShape(d);
        return b.build();
    }

    /** @param memberStatus cluster member address -> status (Up, Unreachable, ...) */
    static ModelInfo toProto(DirectorySnapshot.ModelEntry e, Map<String, String> memberStatus) {
        ModelInfo.Builder b = ModelInfo.newBuilder().setCard(toProto(e.card())).addAllRefused(e.refused());
        for (DirectorySnapshot.Replica r : e.replicas()) {
            b.addReplicas(r.endpoint());
            b.addReplicaDetails(ReplicaInfo.newBuilder().setEndpoint(r.endpoint()).setNodeId(r.nodeId()).setMember(r.member())
                    .setStatus(memberStatus.getOrDefault(r.member(), "Up")).setFailures(r.failures()).setLastError(r.lastError()));
        }
        return b.build();
    }
}
