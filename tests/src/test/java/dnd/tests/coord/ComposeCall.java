package dnd.tests.coord;

import dnd.proto.ComposeEvent;
import dnd.proto.ComposeRequest;
import dnd.proto.ComposerGrpc;
import dnd.proto.ImageResult;
import dnd.proto.JobDone;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/** One Compose call read to its end: the events it streamed, and the error it ended with, if any. */
record ComposeCall(List<ComposeEvent> progress, List<ImageResult> images, JobDone done, StatusRuntimeException error) {

    /** Runs the call; {@code onEvent} sees every event as it arrives (e.g. to kill a node mid-job). */
    static ComposeCall run(ComposerGrpc.ComposerBlockingStub stub, ComposeRequest request, Consumer<ComposeEvent> onEvent) {
        List<ComposeEvent> progress = new ArrayList<>();
        List<ImageResult> images = new ArrayList<>();
        JobDone done = null;
        try {
            Iterator<ComposeEvent> events = stub.compose(request);
            while (events.hasNext()) {
                ComposeEvent e = events.next();
                onEvent.accept(e);
                switch (e.getKindCase()) {
                    case PROGRESS -> progress.add(e);
                    case IMAGE -> images.add(e.getImage());
                    case DONE -> done = e.getDone();
                    default -> throw new AssertionError("event without a kind: " + e);
                }
            }
            return new ComposeCall(progress, images, done, null);
        } catch (StatusRuntimeException e) {
            return new ComposeCall(progress, images, done, e);
        }
    }

    static ComposeCall run(ComposerGrpc.ComposerBlockingStub stub, ComposeRequest request) {
        return run(stub, request, e -> { });
    }

    ComposeCall assertSucceeded() {
        if (error != null) throw new AssertionError("the job failed: " + error.getStatus(), error);
        if (done == null) throw new AssertionError("the stream ended without JobDone");
        return this;
    }
}
