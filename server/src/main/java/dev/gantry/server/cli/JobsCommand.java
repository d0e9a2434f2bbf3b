package dev.gantry.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gantry jobs}: list, inspect and act on jobs; each action is its own subcommand class. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List, inspect, retry, cancel and delete jobs.",
        subcommands = {JobsListCommand.class, JobsShowCommand.class, JobsRetryCommand.class, JobsCancelCommand.class,
                JobsDeleteCommand.class})
public final class JobsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, show, retry, cancel or delete");
    }
}
