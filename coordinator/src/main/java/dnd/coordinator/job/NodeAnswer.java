package dnd.coordinator.job;

import dnd.common.compose.Composition;
import dnd.common.model.ModelCard;
import dnd.proto.DenoiseReply;

/**
 * A node's reply, decoded (and, for a step, prepared by the composition) on the thread that
 * received it. The job actor then only collects: with n players, decoding and each player's own
 * math overlap with the wait for the slowest node instead of following it on the actor.
 *
 * @param value     the step's {@link Composition.PreparedOutput} or the guidance gradient; null when the reply is an error or unusable
 * @param malformed why the reply could not be decoded (the replica is at fault: fail over), else null
 * @param refused   what the composition threw while preparing the decoded output, else null: an
 *                  IllegalArgumentException for an output every replica would give, anything else
 *                  a bug in it; failing over helps neither, so the job actor fails the job with it
 */
record NodeAnswer(DenoiseReply reply, Object value, String malformed, RuntimeException refused) {

    static NodeAnswer step(DenoiseReply reply, ModelCard card, Composition composition, Composition.PlayerRequest request) {
        if (reply.hasError()) return new NodeAnswer(reply, null, null, null);
        Composition.PlayerOutput output;
        try {
            output = NodeRequests.output(reply.getStep(), card, request.needsAttention());
        } catch (RuntimeException e) {
            return malformed(reply, e);
        }
        try {
            return new NodeAnswer(reply, composition.prepare(request, output), null, null);
        } catch (RuntimeException e) {
            return new NodeAnswer(reply, null, null, e);
        }
    }

    static NodeAnswer guidance(DenoiseReply reply, ModelCard card) {
        if (reply.hasError()) return new NodeAnswer(reply, null, null, null);
        try {
            return new NodeAnswer(reply, NodeRequests.gradient(reply.getGuidance(), card), null, null);
        } catch (RuntimeException e) {
            return malformed(reply, e);
        }
    }

    private static NodeAnswer malformed(DenoiseReply reply, RuntimeException e) {
        return new NodeAnswer(reply, null, e instanceof IllegalArgumentException ? e.getMessage() : e.toString(), null);
    }
}
