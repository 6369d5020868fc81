package dnd.common.compose;

import dnd.common.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machine every strategy shares: step requests, then step outputs, then guidance
 * gradients, then the next step; misuse (wrong order, wrong counts, bad tensors) throws with a
 * message naming what is wrong. Subclasses blend; this class owns the order and the checks.
 * Mutable and not thread-safe: one driver (a job actor, or {@link LocalSampler}) owns it.
 */
abstract class BaseComposition implements Composition {

    private enum Phase { AWAIT_STEP, AWAIT_GUIDANCE }

    protected final Sampling s;
    protected final String method;
    private Phase phase = Phase.AWAIT_STEP;
    private int k;
    private List<GuidanceRequest> pendingGuidance = List.of();
    private List<PlayerRequest> requests = List.of();   // the current step's, handed out by stepRequests
    private int previewStep = -1;
    private float[] previewBefore, previewAfter;   // the output latent around the last step (arrays are replaced, never mutated)

    BaseComposition(String method, Sampling s) {
        this.method = method;
        this.s = s;
    }

    @Override
    public final boolean done() { return k >= s.steps(); }

    @Override
    public final int stepIndex() { return k; }

    @Override
    public final int totalSteps() { return s.steps(); }

    @Override
    public final List<PlayerRequest> stepRequests() {
        expect(Phase.AWAIT_STEP, "stepRequests");
        if (requests.isEmpty() || requests.get(0).step() != k) {
            List<PlayerRequest> out = new ArrayList<>(s.n);
            for (int i = 0; i < s.n; i++) out.add(new PlayerRequest(i, s.latent(input(i, k)), s.t(k), s.s(k), needsAttention(), k));
            requests = List.copyOf(out);
        }
        return requests;
    }

    @Override
    public final List<GuidanceRequest> acceptStep(List<PlayerOutput> outputs) {
        expectOutputs("acceptStep", outputs);
        List<PlayerRequest> current = stepRequests();
        List<PreparedOutput> prepared = new ArrayList<>(s.n);
        for (int i = 0; i < s.n; i++) prepared.add(prepare(current.get(i), outputs.get(i)));
        return acceptPrepared(prepared);
    }

    @Override
    public final PreparedOutput prepare(PlayerRequest request, PlayerOutput output) {
        if (request == null) throw new IllegalArgumentException("prepare: the request is missing");
        s.validate(request.player(), output, request.needsAttention());
        return new PreparedOutput(request, output, preparePlayer(request, output));
    }

    @Override
    public final List<GuidanceRequest> acceptPrepared(List<PreparedOutput> outputs) {
        expectOutputs("acceptPrepared", outputs);
        List<PlayerRequest> current = stepRequests();
        for (int i = 0; i < s.n; i++) {
            PreparedOutput p = outputs.get(i);
            if (p == null || p.request != current.get(i))
                throw new IllegalArgumentException("output " + i + " was not prepared from step " + k + "'s request of player " + i);
        }
        pendingGuidance = List.copyOf(onPreparedStep(k, outputs));
        phase = Phase.AWAIT_GUIDANCE;
        return pendingGuidance;
    }

    @Override
    public final StepReport acceptGuidance(List<FloatTensor> gradients) {
        expect(Phase.AWAIT_GUIDANCE, "acceptGuidance");
        List<FloatTensor> g = gradients == null ? List.of() : gradients;
        if (g.size() != pendingGuidance.size())
            throw new IllegalArgumentException("gradients: expected " + pendingGuidance.size() + " (one per guidance request), got " + g.size());
        for (int x = 0; x < g.size(); x++) Sampling.checkTensor("gradient " + x, g.get(x), s.d);
        float[] before = finalLatent();
        StepReport report = onGuidance(k, g);
        previewStep = k;
        previewBefore = before;
        previewAfter = finalLatent();
        k++;
        phase = Phase.AWAIT_STEP;
        pendingGuidance = List.of();
        return report;
    }

    @Override
    public final FloatTensor preview() {
        if (previewStep < 0) return null;
        return s.latent(s.x0Estimate(previewStep, previewBefore, previewAfter));
    }

    @Override
    public final FloatTensor result() {
        if (!done()) throw new IllegalStateException(method + ": result() before the last step (step " + k + " of " + s.steps() + ")");
        return s.latent(finalLatent().clone());
    }

    /** Player i's input x at step k (the shared latent for most methods). */
    protected abstract float[] input(int player, int k);

    protected boolean needsAttention() { return false; }

    /** Blends what can be blended; returns the guidance requests (usually none). */
    protected abstract List<GuidanceRequest> onStep(int k, List<PlayerOutput> outputs);

    /**
     * A method's work on one player's output alone, for {@link #onPreparedStep}; runs on any
     * thread, so it may read only the request, the output and fixed settings. Default: none.
     */
    protected Object preparePlayer(PlayerRequest request, PlayerOutput output) { return null; }

    /** onStep with each output's {@link #preparePlayer} work; the default ignores the work. */
    protected List<GuidanceRequest> onPreparedStep(int k, List<PreparedOutput> outputs) {
        List<PlayerOutput> raw = new ArrayList<>(outputs.size());
        for (PreparedOutput p : outputs) raw.add(p.output);
        return onStep(k, raw);
    }

    /** Finishes step k (guidance, noise) and reports it. */
    protected abstract StepReport onGuidance(int k, List<FloatTensor> gradients);

    protected abstract float[] finalLatent();

    private void expectOutputs(String call, List<?> outputs) {
        expect(Phase.AWAIT_STEP, call);
        if (outputs == null || outputs.size() != s.n)
            throw new IllegalArgumentException("outputs: expected " + s.n + " (one per player), got " + (outputs == null ? 0 : outputs.size()));
    }

    private void expect(Phase want, String call) {
        if (done()) throw new IllegalStateException(method + ": " + call + " after the last step");
        if (phase != want)
            throw new IllegalStateException(method + ": " + call + " out of order at step " + k
                    + (phase == Phase.AWAIT_STEP ? " (expected stepRequests/acceptStep)" : " (expected acceptGuidance)"));
    }

    /** A report for methods without a game: fixed blend weights, solver fields zero. */
    protected StepReport plainReport(int k, double[][] weights) {
        int m = s.m;
        float[][] alloc = new float[s.n][m];
        List<StepReport.PlayerShare> shares = new ArrayList<>();
        for (int i = 0; i < s.n; i++) {
            double sum = 0;
            for (int j = 0; j < m; j++) { alloc[i][j] = (float) weights[i][j]; sum += weights[i][j]; }
            shares.add(new StepReport.PlayerShare(s.players.get(i).label(), sum / m, 0, 0, 0));
        }
        return new StepReport(k, s.steps(), s.t(k), alloc, shares, 0, new double[0], 0, 0, 0, false, 0);
    }

    static double[][] constantWeights(int n, int m, double[] perPlayer) {
        double[][] w = new double[n][m];
        for (int i = 0; i < n; i++) java.util.Arrays.fill(w[i], perPlayer[i]);
        return w;
    }
}
