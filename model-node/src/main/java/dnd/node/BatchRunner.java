package dnd.node;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.schedule.NoiseSchedule;
import dnd.common.tensor.FloatTensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of same-kind requests through the denoiser in one call and splits the results.
 * A step batch of requests r_1..r_n (B_i latents each) is one forward pass of 2*sum(B_i) rows,
 * laid out [r_1 cond, r_1 uncond, r_2 cond, r_2 uncond, ...], so a request alone is always the
 * same [cond, uncond] call.
 */
public final class BatchRunner {

    private final Denoiser denoiser;
    private final NoiseSchedule schedule;
    private final int fixedLatents;

    /** Each call has exactly as many rows as its requests need. */
    public BatchRunner(Denoiser denoiser) {
        this(denoiser, 0);
    }

    /**
     * @param fixedLatents when positive, every call is padded to this many latents (2x rows for a
     *                     step; padding rows are zeros under the null context), so every call has
     *                     the same shape whatever the batch holds
     */
    public BatchRunner(Denoiser denoiser, int fixedLatents) {
        if (fixedLatents < 0) throw new IllegalArgumentException("fixed latents must be >= 0");
        this.denoiser = denoiser;
        this.schedule = NoiseSchedule.of(denoiser.card().schedule());
        this.fixedLatents = fixedLatents;
    }

    public Denoiser denoiser() { return denoiser; }

    /** 0, or the number of latents every call is padded to. */
    public int fixedLatents() { return fixedLatents; }

    public List<NodeWork.StepResult> steps(List<NodeWork.Step> batch) {
        int used = 0;
        for (NodeWork.Step s : batch) used += 2 * s.items();
        int rows = Math.max(used, 2 * fixedLatents);
        int[] latent = denoiser.card().latentShape();
        int d = latent[0] * latent[1] * latent[2];
        float[] x = new float[rows * d];
        long[] t = new long[rows];
        long[][] tokens = new long[rows][];
        int r = 0;
        for (NodeWork.Step s : batch) {
            int b = s.items();
            for (int pass = 0; pass < 2; pass++) {
                System.arraycopy(s.x().data(), 0, x, r * d, b * d);
                for (int i = 0; i < b; i++) {
                    t[r + i] = s.timestep();
                    tokens[r + i] = pass == 0 ? s.tokens()[i] : s.nullTokens()[i];
                }
                r += b;
            }
        }
        for (; r < rows; r++) tokens[r] = denoiser.card().nullContext(); // padding: zeros at t = 0
        Denoiser.Forward out = denoiser.forward(new FloatTensor(new int[]{rows, latent[0], latent[1], latent[2]}, x), t, tokens);
        float[] eps = out.eps().data();
        float[] attn = out.attention().data();
        int[] as = out.attention().shape(); // [rows, L, h, w]
        int mapSize = as[2] * as[3];
        List<NodeWork.StepResult> results = new ArrayList<>(batch.size());
        r = 0;
        for (NodeWork.Step s : batch) {
            int b = s.items();
            int[] shape = s.x().shape();
            float[] cond = slice(eps, r * d, b * d);
            float[] uncond = slice(eps, (r + b) * d, b * d);
            FloatTensor mean = s.withMean() ? new FloatTensor(shape, mean(s, cond, uncond)) : null;
            int p = s.positions().length;
            float[] maps = new float[b * p * mapSize];
            for (int i = 0; i < b; i++)
                for (int k = 0; k < p; k++)
                    System.arraycopy(attn, ((r + i) * as[1] + s.positions()[k]) * mapSize, maps, (i * p + k) * mapSize, mapSize);
            results.add(new NodeWork.StepResult(new FloatTensor(shape, cond), new FloatTensor(shape, uncond),
                    mean, new FloatTensor(new int[]{b, p, as[2], as[3]}, maps)));
            r += 2 * b;
        }
        return results;
    }

    /** The DDIM(eta) mean of the request's CFG eps: work on the reply's path, skipped when the client does not want it. */
    private float[] mean(NodeWork.Step s, float[] cond, float[] uncond) {
        float[] cfg = new float[cond.length];
        double w = s.guidanceScale();
        for (int i = 0; i < cfg.length; i++) cfg[i] = (float) (uncond[i] + w * ((double) cond[i] - uncond[i]));
        return schedule.ddimMean(s.x().data(), cfg, s.timestep(), s.prevTimestep(), s.eta());
    }

    public List<NodeWork.GuidanceResult> guidance(List<NodeWork.Guidance> batch) {
        List<FloatTensor> xs = new ArrayList<>(), ws = new ArrayList<>();
        List<Long> ts = new ArrayList<>();
        List<long[]> tok = new ArrayList<>();
        for (NodeWork.Guidance g : batch) {
            for (int i = 0; i < g.items(); i++) {
                xs.add(g.x().item(i));
                ws.add(g.weights().item(i));
                ts.add(g.timestep());
                tok.add(g.tokens()[i]);
            }
        }
        ModelCard card = denoiser.card();
        while (xs.size() < fixedLatents) { // padding: zeros under the null context, zero weights
            xs.add(FloatTensor.zeros(card.latentShape()));
            ws.add(FloatTensor.zeros(card.contextLength(), card.attentionShape()[0], card.attentionShape()[1]));
            ts.add(0L);
            tok.add(card.nullContext());
        }
        long[] t = ts.stream().mapToLong(Long::longValue).toArray();
        Denoiser.UtilityGradient out = denoiser.utilityGrad(FloatTensor.stack(xs), t, tok.toArray(long[][]::new), FloatTensor.stack(ws));
        List<NodeWork.GuidanceResult> results = new ArrayList<>(batch.size());
        int r = 0;
        for (NodeWork.Guidance g : batch) {
            int b = g.items();
            int d = g.x().itemSize();
            results.add(new NodeWork.GuidanceResult(new FloatTensor(new int[]{b}, slice(out.utility(), r, b)),
                    new FloatTensor(g.x().shape(), slice(out.grad().data(), r * d, b * d))));
            r += b;
        }
        return results;
    }

    private static float[] slice(float[] a, int from, int n) {
        float[] out = new float[n];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }
}
