package dnd.common.game;

/**
 * The solution of one allocation game.
 *
 * @param logQ log Q, row-major [rows][m] (rows = n, plus the fictitious player last when present)
 * @param lambda the dual multipliers, one per constraint row (the warm start of the next step)
 * @param kktResidual max_k |lambda_k - clip(lambda_k - dD/dlambda_k, 0, lambdaMax)|
 * @param value V_i = sum_j Q_ij u_ij per real player
 * @param target per real player, the value its binding notions demand (the proportional share when there is no notion)
 * @param slack value - target (>= 0 when satisfied)
 * @param relaxation the share relaxation delta that was used
 * @param lambdaCapHit whether some multiplier sits at its cap (its constraint may then be violated: see slack)
 * @param converged whether the KKT residual reached the tolerance
 * @param objective sum Q u - beta KL(Q || Q_prev) (the KL term is dropped when beta is infinite)
 */
public record GameResult(int players, int features, int rows, double[] logQ, double[] lambda, int iterations,
                         double kktResidual, double[] value, double[] target, double[] slack, double relaxation,
                         boolean lambdaCapHit, boolean converged, double objective, double lambdaMax) {

    public double logQ(int row, int feature) { return logQ[row * features + feature]; }
}
