package dev.gantry.server.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.error.JobNotFoundException;
import dev.gantry.job.Job;
import dev.gantry.server.cli.output.JsonOutput;

/**
 * {@code gantry jobs delete ID}: deleting cannot be undone, so it asks first on a terminal; a
 * script passes {@code --yes}. Without a terminal and without {@code --yes} it refuses at once
 * (exit 2) rather than wait for an answer nobody will type.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a job that is not running.",
                "Cancel a running job first. Cannot be undone. Asks for confirmation on a terminal; scripts pass --yes."})
public final class JobsDeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
    long id;

    @Option(names = {"-y", "--yes"}, description = "Do not ask; required when not on a terminal.")
    boolean yes;

    @Option(names = "--json", description = "Print {\"deleted\": ID}.")
    boolean json;

    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Console console = System.console();
        if (!yes && console == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "not on a terminal: pass --yes to delete job " + id + " without confirmation");
        }
        try (Database database = db.open()) {
            if (!yes) {
                Job job = database.client().get(id).orElseThrow(() -> new JobNotFoundException(id));
                String answer = console.readLine("delete job %d (%s, %s)? [y/N] ", id, job.kind(), job.state().dbName());
                if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    spec.commandLine().getErr().println("not deleted");
                    spec.commandLine().getErr().flush();
                    return GantryCommand.EXIT_CONFLICT;
                }
            }
            database.client().delete(id);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, Map.of("deleted", id));
        } else {
            out.println("job " + id + " deleted");
            out.flush();
        }
        return 0;
    }
}
