package dnd.cli;

import dnd.proto.ModelInfo;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dnd models}: the models a coordinator can compose, with what each can draw and where it runs. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the models of a running cluster: concepts, colours, replicas.")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--coordinator", defaultValue = "localhost:7000", paramLabel = "HOST:PORT", description = "Default: ${DEFAULT-VALUE}.")
    String coordinator;

    @Override
    public Integer call() {
        try (ComposerClient client = new ComposerClient(coordinator)) {
            List<ModelInfo> models = client.listModels().getModelsList();
            if (models.isEmpty()) System.out.println("no models registered at " + coordinator);
            for (ModelInfo m : models) print(m);
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("dnd models: " + coordinator + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
            return 1;
        }
    }

    static void print(ModelInfo m) {
        var c = m.getCard();
        System.out.printf("%s  (version %s, %s%s, sha256 %s)%n", c.getName(), c.getVersion().isEmpty() ? "-" : c.getVersion(), c.getBackend(),
                c.getSynthetic() ? ", NOT A REAL MODEL" : "", c.getSha256().length() > 12 ? c.getSha256().substring(0, 12) : c.getSha256());
        System.out.printf("  items: %s%n  colours: %s%n  latent %s, %d recommended steps, guidance %.1f%n",
                String.join(", ", c.getItemsList()), c.getColoursList().isEmpty() ? "-" : String.join(", ", c.getColoursList()),
                c.getLatentShapeList(), c.getRecommendedSteps(), c.getGuidanceScale());
        System.out.printf("  replicas (%d): %s%n", m.getReplicasCount(), m.getReplicasCount() == 0 ? "none live" : String.join(", ", m.getReplicasList()));
        for (String r : m.getRefusedList()) System.out.println("  REFUSED " + r);
    }
}
