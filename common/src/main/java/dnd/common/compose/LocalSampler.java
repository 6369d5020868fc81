package dnd.common.compose;

import dnd.common.model.Denoiser;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link Composition} against in-process {@link Denoiser}s (one per player), the same
 * loop the coordinator runs over gRPC. For tests and benchmarks only: the product path always
 * goes through model nodes.
 */
public final class LocalSampler {

    /** The final latent and one report per step. */
    public record Run(FloatTensor latent, List<StepReport> reports) {}

    private LocalSampler() {}

    public static Run run(Composition c, List<PlayerSpec> players, List<? extends Denoiser> denoisers) {
        if (players.size() != denoisers.size())
            throw new IllegalArgumentException("denoisers: expected " + players.size() + " (one per player), got " + denoisers.size());
        List<StepReport> reports = new ArrayList<>();
        while (!c.done()) {
            List<Composition.PlayerOutput> outs = new ArrayList<>();
            for (Composition.PlayerRequest r : c.stepRequests()) outs.add(step(players.get(r.player()), denoisers.get(r.player()), r));
            List<Composition.GuidanceRequest> guidance = c.acceptStep(outs);
            List<FloatTensor> grads = new ArrayList<>();
            for (Composition.GuidanceRequest g : guidance) grads.add(guide(players.get(g.player()), denoisers.get(g.player()), g));
            reports.add(c.acceptGuidance(grads));
        }
        return new Run(c.result(), reports);
    }

    static Composition.PlayerOutput step(PlayerSpec p, Denoiser dn, Composition.PlayerRequest r) {
        FloatTensor x = r.x();
        int d = x.size();
        float[] both = new float[2 * d];
        System.arraycopy(x.data(), 0, both, 0, d);
        System.arraycopy(x.data(), 0, both, d, d);
        int[] shape = new int[x.rank() + 1];
        shape[0] = 2;
        System.arraycopy(x.shape(), 0, shape, 1, x.rank());
        Denoiser.Forward f = dn.forward(new FloatTensor(shape, both), new long[]{r.t(), r.t()},
                new long[][]{p.context(), p.card().nullContext()});
        FloatTensor attention = null;
        if (r.needsAttention()) {
            int[] as = f.attention().shape();   // [2, L, h, w]
            int hw = as[2] * as[3];
            float[] a = new float[hw];
            System.arraycopy(f.attention().data(), ModelCard.ITEM_POSITION * hw, a, 0, hw);
            attention = new FloatTensor(new int[]{as[2], as[3]}, a);
        }
        return new Composition.PlayerOutput(f.eps().item(0), f.eps().item(1), attention);
    }

    static FloatTensor guide(PlayerSpec p, Denoiser dn, Composition.GuidanceRequest g) {
        int l = p.card().contextLength();
        int[] ws = g.weights().shape();
        int hw = g.weights().size();
        float[] w = new float[l * hw];
        System.arraycopy(g.weights().data(), 0, w, ModelCard.ITEM_POSITION * hw, hw);
        FloatTensor x = g.x();
        int[] shape = new int[x.rank() + 1];
        shape[0] = 1;
        System.arraycopy(x.shape(), 0, shape, 1, x.rank());
        Denoiser.UtilityGradient ug = dn.utilityGrad(new FloatTensor(shape, x.data().clone()), new long[]{g.t()},
                new long[][]{p.context()}, new FloatTensor(new int[]{1, l, ws[0], ws[1]}, w));
        return ug.grad().item(0);
    }
}
