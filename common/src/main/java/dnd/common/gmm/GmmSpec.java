package dnd.common.gmm;

import dnd.common.model.ScheduleSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an analytic Gaussian-mixture model knows. Every (item, position, colour) is one mixture
 * component: a coloured Gaussian blob centred at the position on a background of -1, with
 * isotropic data noise {@code dataStd}. Positions are canvas fractions (x, y) in [0,1].
 *
 * @param blobRadius blob standard deviation in canvas fractions
 * @param footprintPeak peak of an item's attention footprint (below 1, so the start token always keeps some mass)
 */
public record GmmSpec(String name, int channels, int height, int width, int attentionHeight, int attentionWidth,
                      double dataStd, double blobRadius, double footprintPeak,
                      Map<String, List<double[]>> items, Map<String, float[]> colours,
                      ScheduleSpec schedule, double guidanceScale, int recommendedSteps) {

    public GmmSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("gmm: name is required");
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException("gmm: latent shape must be positive");
        if (attentionHeight < 1 || attentionWidth < 1) throw new IllegalArgumentException("gmm: attention shape must be positive");
        if (!(dataStd > 0)) throw new IllegalArgumentException("gmm: dataStd must be > 0");
        if (!(blobRadius > 0)) throw new IllegalArgumentException("gmm: blobRadius must be > 0");
        if (!(footprintPeak > 0 && footprintPeak < 1)) throw new IllegalArgumentException("gmm: footprintPeak must be in (0,1)");
        if (items == null || items.isEmpty()) throw new IllegalArgumentException("gmm: at least one item is required");
        if (colours == null || colours.isEmpty()) throw new IllegalArgumentException("gmm: at least one colour is required");
        for (var e : items.entrySet()) {
            if (e.getValue().isEmpty()) throw new IllegalArgumentException("gmm: item " + e.getKey() + " has no position");
            for (double[] p : e.getValue())
                if (p.length != 2 || !(p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1))
                    throw new IllegalArgumentException("gmm: item " + e.getKey() + " position must be (x,y) in [0,1]");
        }
        for (var e : colours.entrySet())
            if (e.getValue().length != channels) throw new IllegalArgumentException("gmm: colour " + e.getKey() + " needs " + channels + " values");
        if (schedule == null) throw new IllegalArgumentException("gmm: schedule is required");
        items = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(items));
        colours = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(colours));
    }

    /**
     * The default toy world on a 3x16x16 latent with 8x8 attention: "left" blobs in the left half,
     * "right" blobs in the right half, "dot" blobs anywhere; colours red, green, blue.
     */
    public static GmmSpec defaults() {
        return withShape("gmm", 16, 16, 8, 8);
    }

    /** The default world at another latent and attention resolution. */
    public static GmmSpec withShape(String name, int height, int width, int attentionHeight, int attentionWidth) {
        Map<String, List<double[]>> items = new LinkedHashMap<>();
        items.put("left", List.of(new double[]{0.25, 0.3}, new double[]{0.25, 0.7}));
        items.put("right", List.of(new double[]{0.75, 0.3}, new double[]{0.75, 0.7}));
        items.put("dot", List.of(new double[]{0.3, 0.3}, new double[]{0.7, 0.3}, new double[]{0.3, 0.7}, new double[]{0.7, 0.7}));
        Map<String, float[]> colours = new LinkedHashMap<>();
        colours.put("red", new float[]{0.9f, -0.6f, -0.6f});
        colours.put("green", new float[]{-0.6f, 0.9f, -0.6f});
        colours.put("blue", new float[]{-0.6f, -0.6f, 0.9f});
        return new GmmSpec(name, 3, height, width, attentionHeight, attentionWidth, 0.1, 0.12, 0.9, items, colours,
                ScheduleSpec.linearDefault(), 2.0, 20);
    }
}
