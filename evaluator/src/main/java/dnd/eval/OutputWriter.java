package dnd.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an evaluation's files under one folder:
 * {@code <task>/prompts.json}, {@code <task>/<method>/<prompt>-<image>.png} (the PNGs as served),
 * {@code <task>/<method>/verdicts.json}, {@code <task>/<method>/contact-sheet.png}, and
 * {@code results.json} / {@code results.md} for the whole run.
 */
public final class OutputWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path dir;

    public OutputWriter(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + dir, e);
        }
    }

    public Path dir() { return dir; }

    public void prompts(Task task, List<Prompt> prompts) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (Prompt p : prompts) {
            ObjectNode o = arr.addObject();
            o.put("prompt", p.index());
            o.put("seed", p.seed());
            ArrayNode players = o.putArray("players");
            for (PromptPlayer pl : p.players()) {
                ObjectNode q = players.addObject();
                q.put("model", pl.model());
                q.put("item", pl.item());
                if (pl.colour().isPresent()) q.put("colour", pl.colour().get()); else q.putNull("colour");
            }
            ArrayNode req = o.putArray("required");
            for (Requirement r : p.requirements()) {
                ObjectNode q = req.addObject();
                q.put("item", r.item());
                if (r.colour().isPresent()) q.put("colour", r.colour().get()); else q.putNull("colour");
            }
        }
        write(dir.resolve(task.id()).resolve("prompts.json"), arr);
    }

    public void image(Task task, String method, int prompt, GeneratedImage image) {
        Path p = methodDir(task, method).resolve(prompt + "-" + image.index() + ".png");
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, image.png());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p, e);
        }
    }

    public void verdicts(Task task, String method, List<ImageRecord> records) {
        ArrayNode arr = MAPPER.createArrayNode();
        for (ImageRecord r : records) {
            ObjectNode o = arr.addObject();
            o.put("prompt", r.prompt());
            o.put("image", r.image());
            o.put("seed", r.seed());
            o.put("correct", r.correct());
            ArrayNode objs = o.putArray("objects");
            for (DetectedObject d : r.objects()) {
                ObjectNode q = objs.addObject();
                if (d.item().isPresent()) q.put("item", d.item().get()); else q.putNull("item");
                q.put("probability", Math.round(d.probability() * 1e4) / 1e4);
                q.put("colour", d.colour());
                q.put("pixels", d.pixels());
            }
        }
        write(methodDir(task, method).resolve("verdicts.json"), arr);
    }

    public void contactSheet(Task task, String method, List<ContactSheet.Tile> tiles, int rows, int cols) {
        Path p = methodDir(task, method).resolve("contact-sheet.png");
        try {
            Files.createDirectories(p.getParent());
            if (!ImageIO.write(ContactSheet.render(tiles, rows, cols), "png", p.toFile()))
                throw new IllegalStateException("no PNG writer available");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p, e);
        }
    }

    public void results(ObjectNode json, String markdownTable, String command) {
        write(dir.resolve("results.json"), json);
        try {
            Files.writeString(dir.resolve("results.md"), "Command: `" + command + "`\n\n" + markdownTable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results.md in " + dir, e);
        }
    }

    private Path methodDir(Task task, String method) { return dir.resolve(task.id()).resolve(method); }

    private static void write(Path p, Object json) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p, e);
        }
    }
}
