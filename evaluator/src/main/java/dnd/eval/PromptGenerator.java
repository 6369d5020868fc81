package dnd.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Draws a task's prompts deterministically from a seed: the players come from distinct
 * specialists, each with a uniformly drawn item and colour (distinct colours for color_attr).
 *
 * <p>Reported and development runs draw from disjoint seed sets by construction: image seeds of
 * development prompts have bit 62 set, those of reported prompts have it clear, and the low 8
 * bits of a prompt's seed are zero so its images (seed + i, i < 256) stay inside its set.
 */
public final class PromptGenerator {

    public static final int MAX_IMAGES_PER_PROMPT = 256;
    private static final long DEV_BIT = 1L << 62;

    private final List<Specialist> specialists;

    public PromptGenerator(List<Specialist> specialists) {
        if (specialists == null || specialists.isEmpty()) throw new IllegalArgumentException("prompt generator: no specialists");
        this.specialists = List.copyOf(specialists);
    }

    public List<Prompt> generate(Task task, int count, long seed, boolean dev) {
        if (count < 1) throw new IllegalArgumentException("prompts per task must be >= 1, got " + count);
        if (specialists.size() < task.players())
            throw new IllegalArgumentException("task " + task.id() + " needs " + task.players() + " specialists, only "
                    + specialists.size() + " given: " + specialists.stream().map(Specialist::model).toList());
        SplittableRandom rng = new SplittableRandom(mix(seed, task.ordinal(), dev ? 1 : 0));
        List<Prompt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Specialist> pool = new ArrayList<>(specialists);
            List<String> usedColours = new ArrayList<>();
            List<PromptPlayer> players = new ArrayList<>();
            for (int p = 0; p < task.players(); p++) {
                Specialist s = pool.remove(rng.nextInt(pool.size()));
                String item = s.items().get(rng.nextInt(s.items().size()));
                List<String> colours = new ArrayList<>(s.colours());
                if (task.checksColour()) colours.removeAll(usedColours);
                if (colours.isEmpty())
                    throw new IllegalArgumentException("task " + task.id() + ": model " + s.model() + " has no colour left that differs from " + usedColours);
                String colour = colours.get(rng.nextInt(colours.size()));
                usedColours.add(colour);
                players.add(new PromptPlayer(s.model(), item, Optional.of(colour)));
            }
            long imageSeed = (rng.nextLong() & ~DEV_BIT & ~0xFFL & Long.MAX_VALUE) | (dev ? DEV_BIT : 0);
            out.add(new Prompt(task, i, players, imageSeed));
        }
        return out;
    }

    /** SplitMix64-style mixing of the run seed with the task and the seed set. */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
