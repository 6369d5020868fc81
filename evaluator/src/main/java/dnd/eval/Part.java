package dnd.eval;

/**
 * One object candidate of a canvas: its foreground pixels ({@code fg}) and the region they were
 * found in ({@code region}: the dilated component or a split of it), both masks of H*W pixels.
 */
public record Part(boolean[] fg, boolean[] region, int fgCount) {

    public Part {
        if (fg.length != region.length) throw new IllegalArgumentException("part: fg and region masks differ in size");
        if (fgCount < 1) throw new IllegalArgumentException("part: needs at least one foreground pixel");
    }
}
