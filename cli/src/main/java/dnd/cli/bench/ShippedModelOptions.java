package dnd.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which shipped models a benchmark serves (a picocli mixin shared by the benchmarks that use real models). */
public final class ShippedModelOptions {

    @Option(names = "--models", paramLabel = "DIR", description = "Models directory. Default: models/ of the dnd installation.")
    Path modelsDir;

    @Option(names = "--only", split = ",", paramLabel = "NAME", description = "Serve only these models (default: every real shipped model).")
    List<String> only = new ArrayList<>();

    List<ModelDirs.Shipped> find() {
        return ModelDirs.find(modelsDir != null ? modelsDir : ModelDirs.defaultDir(), only);
    }
}
