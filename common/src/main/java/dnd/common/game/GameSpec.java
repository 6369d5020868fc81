package dnd.common.game;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fixed shape of one job's allocation game.
 *
 * @param players n, the real players
 * @param features m, the latent positions
 * @param fictitious whether the fictitious player (exempt from fairness, utility 1/m) takes part
 * @param notions the stacked fairness notions (empty: no constraint)
 * @param delta share relaxation in [1-n, 1): proportional targets (1-delta)/n * sum_j u_ij, envy-free V_i >= (1-delta) V_{i<-k};
 *              below 0 it tightens: dnd's option share=S is delta = 1 - S n, a target of S of a player's own total
 * @param equitableTolerance epsilon of the equitable rows, on the scale of V (normalised utilities)
 * @param lambdaCap cap on each multiplier, as lambda_max = lambdaCap / max_ij u_ij (a tilt of at most exp(lambdaCap))
 */
public record GameSpec(int players, int features, boolean fictitious, Set<Fairness> notions, double delta,
                       double equitableTolerance, double lambdaCap) {

    public GameSpec {
        if (players < 1) throw new IllegalArgumentException("game: players must be >= 1, got " + players);
        if (features < 1) throw new IllegalArgumentException("game: features must be >= 1, got " + features);
        if (!(delta >= 1 - players && delta < 1)) throw new IllegalArgumentException("game: delta must be in [1 - n, 1), got " + delta);
        if (!(equitableTolerance >= 0) || Double.isInfinite(equitableTolerance))
            throw new IllegalArgumentException("game: equitable tolerance must be finite and >= 0, got " + equitableTolerance);
        if (!(lambdaCap > 0) || Double.isInfinite(lambdaCap)) throw new IllegalArgumentException("game: lambda cap must be finite and > 0, got " + lambdaCap);
        notions = notions == null || notions.isEmpty() ? EnumSet.noneOf(Fairness.class) : EnumSet.copyOf(notions);
    }

    /** Rows of Q: n real players plus the fictitious one when present. */
    public int rows() { return players + (fictitious ? 1 : 0); }
}
