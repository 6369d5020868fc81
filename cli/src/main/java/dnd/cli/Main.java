package dnd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dnd} command: every subcommand starts a part of the system or talks to one. */
@Command(name = "dnd", mixinStandardHelpOptions = true, version = "dnd 0.1.0",
        description = "Compose several diffusion models, each on its own machine, into one image by fair division of the canvas.",
        subcommands = {CommandLine.HelpCommand.class, NodeCommand.class,
                CoordinatorCommand.class, SampleCommand.class, DemoCommand.class, ModelsCommand.class, ClusterCommand.class, EvalCommand.class,
                BenchCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
