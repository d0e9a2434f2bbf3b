package dev.gantry.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.settings.WorkerSettings;

/** The root {@code gantry} command; each subcommand is its own class. */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = GantryCommand.Version.class,
        description = "Durable background jobs on PostgreSQL.",
        subcommands = {ServerCommand.class, WorkerCommand.class, MigrateCommand.class, CommandLine.HelpCommand.class})
public final class GantryCommand implements Runnable {
    /** Exit codes: 0 ok, 1 bad configuration or unreachable database, 2 bad usage. */
    public static final int EXIT_CONFIG = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GantryCommand());
        WorkerCommand.withSettingOptions(cl.getSubcommands().get("worker").getCommandSpec(), WorkerSettings.ALL);
        WorkerCommand.withSettingOptions(cl.getSubcommands().get("server").getCommandSpec(), ServerSettings.ALL);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gantry: " + e.getMessage());
            return EXIT_CONFIG;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GantryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"gantry " + (v == null ? "dev" : v)};
        }
    }
}
