package dev.gantry.server.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.gantry.config.ConfigException;
import dev.gantry.error.InvalidInputException;
import dev.gantry.error.InvalidStateException;
import dev.gantry.error.JobNotFoundException;
import dev.gantry.server.cli.output.TerminalWriter;
import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.settings.WorkerSettings;

/**
 * The root {@code gantry} command; each subcommand is its own class. Commands that touch data
 * talk to PostgreSQL directly (DATABASE_URL or --database-url), never to a server.
 *
 * <p>Exit codes, the same for every subcommand (docs/cli.md):
 * <ul>
 *   <li>0: done</li>
 *   <li>1 {@link #EXIT_CONFIG}: bad configuration, database unreachable or failing, schema not installed</li>
 *   <li>2 {@link #EXIT_USAGE}: the command line does not parse (unknown option, missing or mistyped value)</li>
 *   <li>3 {@link #EXIT_NOT_FOUND}: the job or worker does not exist</li>
 *   <li>4 {@link #EXIT_CONFLICT}: not possible in the current state (retrying a running job)</li>
 *   <li>5 {@link #EXIT_BAD_INPUT}: Gantry rejected a value (unknown kind, priority out of range);
 *       nothing was written</li>
 *   <li>6 {@link #EXIT_NOT_APPLIED}: a worker command failed on a worker or expired (dead worker)</li>
 *   <li>7 {@link #EXIT_TIMEOUT}: a worker did not acknowledge a command within --wait-ms</li>
 * </ul>
 * Errors are one line on stderr, prefixed with the command ({@code gantry jobs retry: ...}).
 */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = GantryCommand.Version.class,
        description = "Durable background jobs on PostgreSQL.",
        subcommands = {ServerCommand.class, WorkerCommand.class, MigrateCommand.class, EnqueueCommand.class,
                JobsCommand.class, QueuesCommand.class, SchedulesCommand.class, LimitsCommand.class, WorkersCommand.class, LogsCommand.class, StatsCommand.class, TokensCommand.class,
                DatabaseUrlCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 ok                         1 bad configuration, database unreachable",
                "  2 bad command line           3 job or worker not found",
                "  4 not possible in its state  5 bad input rejected, nothing written",
                "  6 worker command failed or expired (dead worker)",
                "  7 worker command not acknowledged within --wait-ms",
                "Data commands talk to PostgreSQL directly: set DATABASE_URL or pass --database-url."})
public final class GantryCommand implements Runnable {
    public static final int EXIT_CONFIG = 1;
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
    public static final int EXIT_NOT_FOUND = 3;
    public static final int EXIT_CONFLICT = 4;
    public static final int EXIT_BAD_INPUT = 5;
    public static final int EXIT_NOT_APPLIED = 6;
    public static final int EXIT_TIMEOUT = 7;

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
        cl.setExecutionStrategy(GantryCommand::executeOnATerminalSafeOutput);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + oneLine(e));
            commandLine.getErr().flush();
            return exitCodeOf(e);
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    /**
     * Runs the command with stdout and stderr behind a {@link TerminalWriter}: what a command
     * prints from the database cannot drive the terminal. Help is printed as picocli styles it.
     */
    private static int executeOnATerminalSafeOutput(CommandLine.ParseResult parseResult) {
        Integer help = CommandLine.executeHelpRequest(parseResult);
        if (help != null) return help;
        Object command = parseResult.asCommandLineList().getLast().getCommand();
        if (!(command instanceof GantryCommand || command instanceof CommandLine.HelpCommand)) {
            CommandLine root = parseResult.commandSpec().commandLine();
            root.setOut(TerminalWriter.wrap(root.getOut()));
            root.setErr(TerminalWriter.wrap(root.getErr()));
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /** The exit code an exception out of a command means. */
    static int exitCodeOf(Throwable e) {
        return switch (e) {
            case CliException c -> c.exitCode();
            case JobNotFoundException x -> EXIT_NOT_FOUND;
            case InvalidStateException x -> EXIT_CONFLICT;
            case ConfigException x -> EXIT_CONFIG;
            case InvalidInputException x -> EXIT_BAD_INPUT;
            default -> EXIT_CONFIG;
        };
    }

    /** The message's first line; a driver error's detail lines and stack traces stay out of the terminal. */
    static String oneLine(Throwable e) {
        String msg = e.getMessage() == null || e.getMessage().isBlank() ? e.toString() : e.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GantryCommand.class.getPackage().getImplementationVersion();
            return new String[] {"gantry " + (v == null ? "dev" : v)};
        }
    }
}
