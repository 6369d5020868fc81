package dnd.eval;

import java.util.List;

/**
 * Names the colour of a part as training/evaluator.py's part_colour: over the part's bright
 * foreground pixels (all of them when none is bright), the chroma rgb/v votes, weighted by v, for
 * its nearest reference colour; the most voted reference wins (ties: the earlier reference).
 */
public final class ColourNamer {

    private final FinderConfig config;

    public ColourNamer(FinderConfig config) { this.config = config; }

    public String name(Canvas canvas, Part part) {
        float[] v = canvas.v();
        float minV = (float) config.colourMinIntensity();
        boolean anyBright = false;
        for (int i = 0; i < v.length; i++) anyBright |= part.fg()[i] && v[i] >= minV;
        List<float[]> refs = config.colourRefs();
        double[] votes = new double[refs.size()];
        for (int i = 0; i < v.length; i++) {
            if (!part.fg()[i] || (anyBright && v[i] < minV)) continue;
            float denom = Math.max(v[i], 1e-6f);
            float r = canvas.rgb()[0][i] / denom, g = canvas.rgb()[1][i] / denom, b = canvas.rgb()[2][i] / denom;
            int best = 0;
            float bestD = Float.POSITIVE_INFINITY;
            for (int k = 0; k < refs.size(); k++) {
                float[] ref = refs.get(k);
                float dr = r - ref[0], dg = g - ref[1], db = b - ref[2];
                float d = dr * dr + dg * dg + db * db;
                if (d < bestD) { bestD = d; best = k; }
            }
            votes[best] += v[i];
        }
        int win = 0;
        for (int k = 1; k < votes.length; k++) if (votes[k] > votes[win]) win = k;
        return config.colourNames().get(win);
    }
}
