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

    /** [C,H,W] pixel-space latent in [-1,1] to PNG, one pixel per latent pixel. */
    static byte[] png(FloatTensor latent) { return Images.png(latent, 1); }

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
