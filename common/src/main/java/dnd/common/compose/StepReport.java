package dnd.common.compose;

import java.util.List;

/**
 * What one step reports (the fairness report's row, the allocation event). For methods without a
 * game, {@code allocation} holds the fixed blend weights and the solver fields are zero.
 *
 * @param allocation Q as [n+1][m] (last row: the fictitious player), or [n][m] when there is none
 * @param players per real player: share of features, value V_i, fair-share target, slack
 */
public record StepReport(int step, int totalSteps, long timestep, float[][] allocation, List<PlayerShare> players,
                         double fictitiousShare, double[] lambda, int iterations, double kktResidual,
                         double relaxation, boolean lambdaCapHit, double guidanceNorm) {

    public record PlayerShare(String player, double share, double value, double target, double slack) {}
}
