package dnd.coordinator.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dnd.common.compose.PlayerSpec;
import dnd.common.compose.StepReport;
import java.util.List;
import java.util.TreeMap;

/**
 * The fairness report of one image (DESIGN.md section 4): for every step and every player, the
 * share of features, V_i, the fair-share target, the slack, lambda, and the solver's iterations
 * and KKT residual. It lets a user audit that no model was starved.
 */
final class FairnessReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FairnessReport() {}

    static String json(JobPlan plan, int image, List<StepReport> steps) {
        ObjectNode root = JSON.createObjectNode();
        root.put("job", plan.jobId());
        root.put("image", image);
        root.put("seed", plan.seed() + image);
        root.put("method", plan.method());
        ObjectNode options = root.putObject("options");
        new TreeMap<>(plan.options()).forEach(options::put);
        root.put("steps_total", plan.steps());
        root.put("guidance_scale", plan.guidanceScale());
        root.put("eta", plan.eta());
        root.put("x0_clip", plan.x0Clip());
        ArrayNode players = root.putArray("players");
        for (PlayerSpec p : plan.players()) {
            ObjectNode o = players.addObject();
            o.put("player", p.label());
            o.put("model", p.card().name());
            o.put("model_sha256", p.card().sha256());
        }
        double minSlack = Double.POSITIVE_INFINITY;
        ArrayNode rows = root.putArray("steps");
        for (StepReport s : steps) {
            ObjectNode row = rows.addObject();
            row.put("step", s.step());
            row.put("timestep", s.timestep());
            row.put("iterations", s.iterations());
            row.put("kkt_residual", s.kktResidual());
            row.put("fictitious_share", s.fictitiousShare());
            row.put("relaxation", s.relaxation());
            row.put("lambda_cap_hit", s.lambdaCapHit());
            row.put("guidance_norm", s.guidanceNorm());
            ArrayNode lambda = row.putArray("lambda");
            for (double l : s.lambda()) lambda.add(l);
            ArrayNode ps = row.putArray("players");
            for (int i = 0; i < s.players().size(); i++) {
                StepReport.PlayerShare p = s.players().get(i);
                ObjectNode o = ps.addObject();
                o.put("player", p.player());
                o.put("share", p.share());
                o.put("value", p.value());
                o.put("target", p.target());
                o.put("slack", p.slack());
                // Proportional fairness has one multiplier per player; other notions one per row.
                if (s.lambda().length == s.players().size()) o.put("lambda", s.lambda()[i]);
                minSlack = Math.min(minSlack, p.slack());
            }
        }
        root.put("min_slack", Double.isInfinite(minSlack) ? 0 : minSlack);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("fairness report could not be written", e);
        }
    }
}
