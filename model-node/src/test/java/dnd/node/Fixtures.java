package dnd.node;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the test fixture model lives (models/fixture, found from the repository root). */
public final class Fixtures {

    private Fixtures() {}

    public static Path repoRoot() {
        String prop = System.getProperty("dnd.repo.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        for (Path q = p.toAbsolutePath(); q != null; q = q.getParent())
            if (Files.isDirectory(q.resolve("models/fixture"))) return q;
        throw new IllegalStateException("models/fixture not found above " + p);
    }

    public static Path fixtureModel() { return repoRoot().resolve("models/fixture"); }
}
