package dnd.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an {@link EvalPlan}: for each task its prompts (the same for every method), for each
 * method one composition per prompt, every image judged by the detector; files go to the
 * optional writer as they are made, progress to the listener. Up to {@code parallel} compositions
 * run at once (the image source must be thread-safe); judging and writing stay on the calling
 * thread, in prompt order, so the results do not depend on {@code parallel}.
 */
public final class EvalRunner {

    private final ImageSource source;
    private final ObjectDetector detector;
    private final Optional<OutputWriter> writer;
    private final ProgressListener progress;
    private final int parallel;

    public EvalRunner(ImageSource source, ObjectDetector detector, Optional<OutputWriter> writer, ProgressListener progress) {
        this(source, detector, writer, progress, 1);
    }

    public EvalRunner(ImageSource source, ObjectDetector detector, Optional<OutputWriter> writer, ProgressListener progress, int parallel) {
        if (parallel < 1) throw new IllegalArgumentException("parallel compositions must be >= 1, got " + parallel);
        this.source = source;
        this.detector = detector;
        this.writer = writer;
        this.progress = progress;
        this.parallel = parallel;
    }

    /** Every image's verdict, in run order (task, method, prompt, image). */
    public List<ImageRecord> run(EvalPlan plan) {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "eval-compose");
            t.setDaemon(true);
            return t;
        });
        try {
            return run(plan, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<ImageRecord> run(EvalPlan plan, ExecutorService pool) {
        PromptGenerator generator = new PromptGenerator(plan.specialists());
        List<ImageRecord> all = new ArrayList<>();
        int total = plan.totalImages();
        int done = 0;
        progress.progress(0, total, "starting");
        for (Task task : plan.tasks()) {
            List<Prompt> prompts = generator.generate(task, plan.prompts(), plan.seed(), plan.dev());
            writer.ifPresent(w -> w.prompts(task, prompts));
            for (String method : plan.methods()) {
                List<ImageRecord> records = new ArrayList<>();
                List<ContactSheet.Tile> tiles = new ArrayList<>();
                List<Future<List<GeneratedImage>>> pending = new ArrayList<>();
                for (Prompt prompt : prompts) {
                    ComposeJob job = new ComposeJob(method, plan.optionsOf(method), prompt.players(), plan.sampler(), prompt.seed(), plan.imagesPerPrompt());
                    pending.add(pool.submit(() -> source.compose(job)));
                }
                for (Prompt prompt : prompts) {
                    List<GeneratedImage> images = await(pending.get(prompt.index()));
                    if (images.size() != plan.imagesPerPrompt())
                        throw new IllegalStateException(task.id() + "/" + method + " prompt " + prompt.index() + ": asked for "
                                + plan.imagesPerPrompt() + " images, got " + images.size());
                    List<List<DetectedObject>> found = detector.detect(images.stream().map(GeneratedImage::image).toList());
                    for (int i = 0; i < images.size(); i++) {
                        GeneratedImage img = images.get(i);
                        boolean ok = Verdict.satisfied(found.get(i), prompt.requirements());
                        records.add(new ImageRecord(task, method, prompt.index(), img.index(), img.seed(), ok, found.get(i)));
                        tiles.add(new ContactSheet.Tile(prompt.index(), i, img.image(), ok));
                        writer.ifPresent(w -> w.image(task, method, prompt.index(), img));
                    }
                    done += images.size();
                    progress.progress(done, total, task.id() + " " + method + " prompt " + (prompt.index() + 1) + "/" + prompts.size());
                }
                writer.ifPresent(w -> {
                    w.verdicts(task, method, records);
                    w.contactSheet(task, method, tiles, prompts.size(), plan.imagesPerPrompt());
                });
                all.addAll(records);
            }
        }
        return all;
    }

    private static List<GeneratedImage> await(Future<List<GeneratedImage>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a composition", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }
}
