package dnd.eval;

import com.google.protobuf.ByteString;
import dnd.common.tensor.FloatTensor;
import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.DType;
import dnd.proto.ImageResult;
import dnd.proto.Player;
import dnd.proto.Tensor;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs evaluation compositions through a coordinator's Composer service (the same path as
 * `dnd sample`): one Compose call per job, images taken from the stream's ImageResults. The image
 * judged is the final latent x_0 (exact floats); the PNG is kept as served.
 */
public final class ComposerImageSource implements ImageSource {

    private final Channel channel;
    private final long deadlineSeconds;

    /** @param deadlineSeconds per composition; 0 means none */
    public ComposerImageSource(Channel channel, long deadlineSeconds) {
        if (deadlineSeconds < 0) throw new IllegalArgumentException("deadline must be >= 0 s");
        this.channel = channel;
        this.deadlineSeconds = deadlineSeconds;
    }

    static ComposeRequest request(ComposeJob job) {
        ComposeRequest.Builder r = ComposeRequest.newBuilder()
                .setMethod(job.method()).putAllOptions(job.options())
                .setSteps(job.sampler().steps()).setGuidanceScale(job.sampler().guidanceScale()).setX0Clip(job.sampler().x0Clip()).setEta(job.sampler().eta())
                .setSeed(job.seed()).setImages(job.images());
        for (PromptPlayer p : job.players()) r.addPlayers(Player.newBuilder().setModel(p.model()).setConcept(p.concept()));
        return r.build();
    }

    @Override
    public List<GeneratedImage> compose(ComposeJob job) {
        ComposerGrpc.ComposerBlockingStub stub = ComposerGrpc.newBlockingStub(channel);
        if (deadlineSeconds > 0) stub = stub.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
        List<GeneratedImage> out = new ArrayList<>();
        try {
            Iterator<ComposeEvent> events = stub.compose(request(job));
            while (events.hasNext()) {
                ComposeEvent e = events.next();
                if (e.hasImage()) out.add(image(e.getImage()));
            }
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException("composition " + job.method() + " " + job.players().stream().map(p -> p.model() + ":" + p.concept()).toList()
                    + " seed " + job.seed() + " failed: " + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
        }
        out.sort(Comparator.comparingInt(GeneratedImage::index));
        return out;
    }

    /** The served PNG, or one encoded here from the latent when the server sent none. */
    static GeneratedImage image(ImageResult r) {
        FloatTensor latent = latent(r.getLatent(), r.getImage());
        byte[] png = r.getPng().isEmpty() ? dnd.common.image.Images.png(latent, 1) : r.getPng().toByteArray();
        return new GeneratedImage(r.getImage(), r.getSeed(), png, latent);
    }

    /** The final latent as [3,H,W]: a leading batch axis of 1 is dropped. */
    static FloatTensor latent(Tensor t, int image) {
        if (t.getDtype() != DType.FLOAT32) throw new IllegalStateException("image " + image + ": latent dtype " + t.getDtype() + ", expected FLOAT32");
        List<Long> s = t.getShapeList();
        if (s.size() == 4 && s.get(0) == 1) s = s.subList(1, 4);
        if (s.size() != 3) throw new IllegalStateException("image " + image + ": latent shape " + t.getShapeList() + ", expected [3,H,W]");
        int[] shape = {Math.toIntExact(s.get(0)), Math.toIntExact(s.get(1)), Math.toIntExact(s.get(2))};
        ByteString data = t.getData();
        if (data.size() != 4 * shape[0] * shape[1] * shape[2])
            throw new IllegalStateException("image " + image + ": latent holds " + data.size() + " bytes for shape " + t.getShapeList());
        FloatBuffer fb = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return new FloatTensor(shape, f);
    }
}
