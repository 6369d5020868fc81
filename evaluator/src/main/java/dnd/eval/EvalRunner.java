package dnd.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs an {@link EvalPlan}: for each task its prompts (the same for every method), for each
 * method one composition per prompt, every image judged by the detector; files go to the
 * optional writer as they are made, progress to the listener.
 */
public final class EvalRunner {

    private final ImageSource source;
    private final ObjectDetector detector;
    private final Optional<OutputWriter> writer;
    private final ProgressListener progress;

    public EvalRunner(ImageSource source, ObjectDetector detector, Optional<OutputWriter> writer, ProgressListener progress) {
        this.source = source;
        this.detector = detector;
        this.writer = writer;
        this.progress = progress;
    }

    /** Every image's verdict, in run order (task, method, prompt, image). */
    public List<ImageRecord> run(EvalPlan plan) {
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
                for (Prompt prompt : prompts) {
                    ComposeJob job = new ComposeJob(method, plan.optionsOf(method), prompt.players(), plan.steps(), prompt.seed(), plan.imagesPerPrompt());
                    List<GeneratedImage> images = source.compose(job);
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
}
