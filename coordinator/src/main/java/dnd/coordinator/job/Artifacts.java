package dnd.coordinator.job;

import dnd.common.compose.StepReport;
import dnd.common.image.AllocationAnimation;
import dnd.common.image.Images;
import dnd.common.model.ModelCard;
import dnd.common.tensor.FloatTensor;
import java.util.List;

/** The files of a finished image: the PNG of the final latent and the allocation movie (one frame per step). */
final class Artifacts {

    private static final int MOVIE_SCALE = 4, FRAME_DELAY_MS = 120;

    private Artifacts() {}

    /**
     * [C,H,W] pixel-space latent in [-1,1] to PNG, one pixel per latent pixel. A latent that is not
     * in pixel space (C other than 1 or 3, e.g. the 4-channel latent of a synthetic or VAE model) is
     * previewed through its first three channels (its first one when C = 2), so its job still ends
     * with an image instead of failing.
     */
    static byte[] png(FloatTensor latent) {
        int c = latent.rank() == 3 ? latent.dim(0) : 0;
        if (c == 2 || c > 3) {
            int keep = c > 3 ? 3 : 1, h = latent.dim(1), w = latent.dim(2);
            latent = new FloatTensor(new int[]{keep, h, w}, java.util.Arrays.copyOf(latent.data(), keep * h * w));
        }
        return Images.png(latent, 1);
    }

    /** Q of every step as an animated GIF; features are latent pixels when there are H*W of them, else one row. */
    static byte[] allocationGif(List<StepReport> reports, ModelCard card) {
        if (reports.isEmpty()) return new byte[0];
        int m = reports.get(0).allocation().length == 0 ? 0 : reports.get(0).allocation()[0].length;
        boolean grid = m == card.height() * card.width();
        List<float[][]> frames = reports.stream().map(StepReport::allocation).toList();
        return AllocationAnimation.gif(frames, reports.get(0).players().size(), grid ? card.height() : 1, grid ? card.width() : m,
                MOVIE_SCALE, FRAME_DELAY_MS);
    }
}
