package dnd.common.model;

import java.util.List;
import java.util.Map;

/**
 * What a node tells the cluster about the model it serves (the domain twin of proto
 * {@code dnd.v1.ModelCard}). Weights never leave the node; this card is all anyone else sees.
 *
 * <p>Context convention (shared with training/export.py): the conditional context for concept
 * "colour item" is {@code [<start>, item, colour, <pad>...]}, for a bare "item"
 * {@code [<start>, item, <pad>...]}, the unconditional one {@code [<start>, <null>, <pad>...]};
 * the player's attention map is that of position 1 (the item token).
 */
public record ModelCard(
        String name,
        String version,
        String sha256,
        int[] latentShape,          // [C, H, W]
        ScheduleSpec schedule,
        int contextLength,
        Map<String, Long> tokens,
        List<String> items,
        List<String> colours,
        int[] attentionShape,       // [h, w]
        double guidanceScale,
        int recommendedSteps,
        List<String> capabilities,
        String backend,
        boolean synthetic,
        String description,
        int maxBatch) {

    public static final String START = "<start>";
    public static final String NULL = "<null>";
    public static final String PAD = "<pad>";
    /** Context position whose attention map is the player's utility. */
    public static final int ITEM_POSITION = 1;

    public ModelCard {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("model card: name is required");
        if (latentShape == null || latentShape.length != 3) throw new IllegalArgumentException("model card: latent shape must be [C,H,W]");
        if (attentionShape == null || attentionShape.length != 2) throw new IllegalArgumentException("model card: attention shape must be [h,w]");
        if (contextLength < 2) throw new IllegalArgumentException("model card: context length must be at least 2");
        if (schedule == null) throw new IllegalArgumentException("model card: schedule is required");
        for (String t : List.of(START, NULL, PAD))
            if (tokens == null || !tokens.containsKey(t)) throw new IllegalArgumentException("model card: token " + t + " is missing");
        tokens = Map.copyOf(tokens);
        items = List.copyOf(items);
        colours = List.copyOf(colours);
        capabilities = List.copyOf(capabilities);
        version = version == null ? "" : version;
        sha256 = sha256 == null ? "" : sha256;
        backend = backend == null ? "" : backend;
        description = description == null ? "" : description;
    }

    public int channels() { return latentShape[0]; }
    public int height() { return latentShape[1]; }
    public int width() { return latentShape[2]; }
    public int latentSize() { return latentShape[0] * latentShape[1] * latentShape[2]; }

    public ModelCard withSha256(String sha) {
        return new ModelCard(name, version, sha, latentShape, schedule, contextLength, tokens, items, colours, attentionShape,
                guidanceScale, recommendedSteps, capabilities, backend, synthetic, description, maxBatch);
    }

    public ModelCard withMaxBatch(int batch) {
        return new ModelCard(name, version, sha256, latentShape, schedule, contextLength, tokens, items, colours, attentionShape,
                guidanceScale, recommendedSteps, capabilities, backend, synthetic, description, batch);
    }

    /** The conditional token context of a concept ("item" or "colour item"); throws naming what is unknown. */
    public long[] contextFor(Concept concept) {
        if (!items.contains(concept.item()))
            throw new IllegalArgumentException("model " + name + " does not know item '" + concept.item() + "' (knows " + items + ")");
        long[] ctx = padded();
        ctx[ITEM_POSITION] = tokens.get(concept.item());
        if (concept.colour().isPresent()) {
            String c = concept.colour().get();
            if (!colours.contains(c))
                throw new IllegalArgumentException("model " + name + " does not know colour '" + c + "' (knows " + colours + ")");
            ctx[ITEM_POSITION + 1] = tokens.get(c);
        }
        return ctx;
    }

    /** The unconditional context. */
    public long[] nullContext() {
        long[] ctx = padded();
        ctx[ITEM_POSITION] = tokens.get(NULL);
        return ctx;
    }

    private long[] padded() {
        long[] ctx = new long[contextLength];
        java.util.Arrays.fill(ctx, tokens.get(PAD));
        ctx[0] = tokens.get(START);
        return ctx;
    }
}
