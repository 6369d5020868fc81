package dnd.coordinator.grpc;

import dnd.common.compose.Compositions;
import dnd.common.compose.PlayerSpec;
import dnd.common.model.Concept;
import dnd.common.model.ModelCard;
import dnd.coordinator.CoordinatorSettings;
import dnd.coordinator.directory.DirectorySnapshot;
import dnd.coordinator.job.JobPlan;
import dnd.proto.ComposeRequest;
import dnd.proto.Player;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a {@link ComposeRequest} into a {@link JobPlan}, or says precisely what is wrong with it
 * (naming the field) so the service can answer INVALID_ARGUMENT. Models are looked up in the
 * directory; method and options are checked by building the composition once.
 */
final class ComposeRequestParser {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final CoordinatorSettings settings;

    ComposeRequestParser(CoordinatorSettings settings) { this.settings = settings; }

    JobPlan parse(ComposeRequest r, DirectorySnapshot directory) {
        if (r.getPlayersCount() == 0) throw new IllegalArgumentException("players: at least one player is required");
        if (r.getPlayersCount() > settings.maxPlayers())
            throw new IllegalArgumentException("players: at most " + settings.maxPlayers() + " players, got " + r.getPlayersCount());
        List<PlayerSpec> players = new ArrayList<>();
        for (int i = 0; i < r.getPlayersCount(); i++) players.add(player(i, r.getPlayers(i), directory));
        ModelCard first = players.get(0).card();
        for (int i = 1; i < players.size(); i++) {
            ModelCard c = players.get(i).card();
            if (!Arrays.equals(c.latentShape(), first.latentShape()))
                throw new IllegalArgumentException("players[" + i + "]: model " + c.name() + " has latent shape " + Arrays.toString(c.latentShape())
                        + ", but model " + first.name() + " has " + Arrays.toString(first.latentShape()) + "; composed models must share the latent space");
        }
        String method = r.getMethod().isBlank() ? "dnd" : r.getMethod().trim();
        int steps = r.getSteps() == 0 ? first.recommendedSteps() : r.getSteps();
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps: must be in 1..1000, got " + steps);
        int images = r.getImages() == 0 ? 1 : r.getImages();
        if (images < 1 || images > settings.maxImages())
            throw new IllegalArgumentException("images: must be in 1.." + settings.maxImages() + ", got " + r.getImages());
        double guidance = r.getGuidanceScale() == 0 ? first.guidanceScale() : r.getGuidanceScale();
        if (!(guidance >= 0) || Double.isInfinite(guidance)) throw new IllegalArgumentException("guidance_scale: must be finite and >= 0, got " + guidance);
        if (!(r.getEta() >= 0 && r.getEta() <= 1)) throw new IllegalArgumentException("eta: must be in [0,1], got " + r.getEta());
        if (!(r.getX0Clip() >= 0) || Double.isInfinite(r.getX0Clip()))
            throw new IllegalArgumentException("x0_clip: must be finite and >= 0 (0: off), got " + r.getX0Clip());
        String jobId = r.getJobId().isEmpty() ? UUID.randomUUID().toString() : r.getJobId();
        if (!JOB_ID.matcher(jobId).matches()) throw new IllegalArgumentException("job_id: must match " + JOB_ID.pattern() + ", got '" + jobId + "'");
        JobPlan plan = new JobPlan(jobId, players, method, r.getOptionsMap(), steps, r.getSeed(), images, guidance, r.getEta(), r.getX0Clip(), r.getAllowBatching(), r.getPreviews(), r.getOwnerMaps());
        // Builds the composition once: unknown methods and bad options fail here, named by common's messages
        // ("method: unknown 'x'", "method dnd: option beta='x' is invalid ...").
        try {
            Compositions.create(plan.method(), plan.options(), plan.players(), plan.sampler(0));
        } catch (IllegalArgumentException e) {
            // An option's own parser names only the option ("fairness: unknown notion ..."): say where it was.
            String m = e.getMessage() == null ? "invalid" : e.getMessage();
            throw m.startsWith("method") ? e : new IllegalArgumentException("options." + m, e);
        }
        return plan;
    }

    private static PlayerSpec player(int i, Player p, DirectorySnapshot directory) {
        String field = "players[" + i + "]";
        if (p.getModel().isBlank()) throw new IllegalArgumentException(field + ".model: is required");
        DirectorySnapshot.ModelEntry entry = directory.model(p.getModel()).orElseThrow(() -> new IllegalArgumentException(
                field + ".model: unknown model '" + p.getModel() + "' (known: " + String.join(", ", directory.models().keySet()) + ")"));
        ModelCard card = entry.card();
        Concept concept;
        try {
            concept = Concept.parse(p.getConcept(), card.colours());
            card.contextFor(concept);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ".concept: " + e.getMessage(), e);
        }
        if (!Double.isFinite(p.getWeight())) throw new IllegalArgumentException(field + ".weight: must be finite");
        Optional<PlayerSpec.Region> region = Optional.empty();
        if (p.hasRegion()) {
            try {
                region = Optional.of(new PlayerSpec.Region(p.getRegion().getX0(), p.getRegion().getY0(), p.getRegion().getX1(), p.getRegion().getY1()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ".region: " + e.getMessage(), e);
            }
        }
        return new PlayerSpec(card, concept, p.getWeight(), p.getNegate(), region);
    }
}
