package dnd.common.compose;

import dnd.common.tensor.FloatTensor;
import java.util.List;

/**
 * One job's composition as a pure state machine (no I/O, no threads). Whoever drives it (the
 * coordinator's job actor over gRPC, or {@code LocalSampler} over in-process denoisers) repeats:
 * <pre>
 *   while (!c.done()) {
 *     outputs = run c.stepRequests() on the players' models
 *     guidance = c.acceptStep(outputs)             // solves the game when the method has one
 *                                                  // (or: acceptPrepared(prepare(request, output) each))
 *     grads = run guidance on the players' models  // empty list when guidance is empty
 *     report = c.acceptGuidance(grads)             // blends, adds seeded noise, advances
 *   }
 * </pre>
 * Everything is determined by (players, method, options, seed): the same inputs give the same bits.
 * {@link #prepare} is the one method a driver may call from other threads.
 */
public interface Composition {

    boolean done();

    /** 0-based index of the current step. */
    int stepIndex();

    int totalSteps();

    /** What each player must compute for the current step, one entry per player, in player order. */
    List<PlayerRequest> stepRequests();

    /**
     * Feeds the step outputs (one per player, in player order) and returns what guidance each
     * player must compute; an empty list when the method needs none this step.
     */
    List<GuidanceRequest> acceptStep(List<PlayerOutput> outputs);

    /**
     * The work on one player's step output that needs no other player's output (its checks, its
     * classifier-free guidance and DDIM mean, its utility), done now. Pure and thread-safe: it
     * reads only the request (whose latent is never mutated) and the job's fixed settings, so a
     * driver may call it on any thread as soon as that player's answer arrives, overlapping the
     * work with the wait for slower players. Throws IllegalArgumentException for a bad output.
     */
    PreparedOutput prepare(PlayerRequest request, PlayerOutput output);

    /**
     * {@link #acceptStep} for outputs already prepared (one per player, in player order, each
     * prepared from this step's request); gives the same bits as acceptStep on the raw outputs.
     */
    List<GuidanceRequest> acceptPrepared(List<PreparedOutput> outputs);

    /**
     * Guidance requests already known before the current step's outputs (the "previous
     * allocation" variant of dnd): a driver may send them together with {@link #stepRequests()}
     * (one round trip per step). {@link #acceptStep} then returns exactly these requests again, so
     * a driver that ignores this method stays correct. Empty for every other method.
     */
    default List<GuidanceRequest> prefetchGuidance() { return List.of(); }

    /** Feeds the guidance gradients (same order as requested; empty when none) and advances one step. */
    StepReport acceptGuidance(List<FloatTensor> gradients);

    /**
     * The current estimate of the final image [C,H,W] (x0-hat of the last completed step), for
     * progress previews; null before the first step.
     */
    default FloatTensor preview() { return null; }

    /** The final latent [C,H,W]; only when {@link #done()}. */
    FloatTensor result();

    /** What one player's model computes for step {@code step}: x is [C,H,W]; t and s as in spec 1.2 (s < 0: final). */
    record PlayerRequest(int player, FloatTensor x, long t, long s, boolean needsAttention, int step) {}

    /** A player's step output with its per-player work done ({@link #prepare}); opaque to drivers. */
    final class PreparedOutput {
        final PlayerRequest request;
        final PlayerOutput output;
        final Object work;   // what the method computed from this output alone (null when nothing)

        PreparedOutput(PlayerRequest request, PlayerOutput output, Object work) {
            this.request = request;
            this.output = output;
            this.work = work;
        }

        public PlayerRequest request() { return request; }
    }

    /** One player's answer: eps under its context and the null context [C,H,W], and its item-token attention [h,w] (null when not asked). */
    record PlayerOutput(FloatTensor epsCond, FloatTensor epsUncond, FloatTensor attention) {}

    /** Guidance one player must compute: the VJP of sum(weights * normalised item attention) at x; weights is [h,w]. */
    record GuidanceRequest(int player, FloatTensor x, long t, FloatTensor weights) {}
}
