package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** What every command shares: --help, one-line errors and the exit codes for configuration and database problems. */
@ExtendWith(PostgresExtension.class)
class CliTest {
    /** Every data command, with arguments that would otherwise succeed or fail later. */
    static List<List<String>> dataCommands() {
        return List.of(List.of("enqueue", "email.send"), List.of("jobs", "list"), List.of("jobs", "show", "1"),
                List.of("jobs", "retry", "1"), List.of("jobs", "cancel", "1"), List.of("jobs", "delete", "1", "--yes"),
                List.of("workers", "list"), List.of("workers", "stop", "w"), List.of("workers", "pause", "--all", "--queue", "q"),
                List.of("workers", "config", "w", "--concurrency", "q=1"), List.of("logs"), List.of("logs", "--follow"),
                List.of("queues", "list"), List.of("queues", "pause", "q"), List.of("queues", "resume", "q"),
                List.of("stats"), List.of("tokens", "list"), List.of("tokens", "create", "t", "--role", "viewer"), List.of("tokens", "revoke", "t"));
    }

    /** Every command path, from the root down. */
    static List<String> commandPaths() {
        List<String> paths = new ArrayList<>();
        collect(GantryCommand.commandLine(), "", paths);
        return paths;
    }

    private static void collect(CommandLine cl, String prefix, List<String> paths) {
        paths.add(prefix.trim());
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) collect(sub, prefix + " " + name, paths);
        });
    }

    @ParameterizedTest
    @MethodSource("commandPaths")
    void everyCommandHasHelp(String path) {
        Cli cli = new Cli("unused");
        List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
        args.add("--help");

        int code = cli.runRaw(args.toArray(String[]::new));

        assertThat(code).isZero();
        assertThat(cli.out()).startsWith("Usage: gantry" + (path.isEmpty() ? "" : " " + path));
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void rootHelpListsTheSubcommandsAndExitCodes() {
        Cli cli = new Cli("unused");

        cli.runRaw("--help");

        assertThat(cli.out()).contains("enqueue", "jobs", "workers", "logs", "Exit codes:", "3 job or worker not found",
                "DATABASE_URL");
    }

    @ParameterizedTest
    @MethodSource("dataCommands")
    void unreachableDatabaseExitsOneWithOneLineAndNoPassword(List<String> command) {
        Cli cli = new Cli("postgres://app:s3cret@127.0.0.1:1/app");

        int code = cli.run(command.toArray(String[]::new));

        assertThat(code).isEqualTo(1);
        String prefix = "gantry " + String.join(" ", command.subList(0, List.of("enqueue", "logs", "stats")
                .contains(command.getFirst()) ? 1 : 2));
        assertThat(cli.err().lines()).singleElement().asString()
                .startsWith(prefix + ": --database-url: cannot connect to jdbc:postgresql://127.0.0.1:1/app")
                .doesNotContain("s3cret");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void badUrlExitsOneNamingTheFlag() {
        Cli cli = new Cli("mysql://root@localhost/db");

        assertThat(cli.run("jobs", "list")).isEqualTo(1);

        assertThat(cli.err()).startsWith("gantry jobs list: --database-url: must start with postgres://");
    }

    @Test
    void schemaNotInstalledSaysToMigrate(TestDatabase db) {
        Cli cli = new Cli(db);

        assertThat(cli.run("jobs", "list", "--schema", "elsewhere")).isEqualTo(1);

        assertThat(cli.err()).isEqualTo("gantry jobs list: schema \"elsewhere\" is not installed: run `gantry migrate` first\n");
    }

    @Test
    void badSchemaNameIsAConfigurationError() {
        Cli cli = new Cli("postgres://app@127.0.0.1:1/app");

        assertThat(cli.run("logs", "--schema", "Bad-Name")).isEqualTo(1);

        assertThat(cli.err()).startsWith("gantry logs: --schema: must be a lowercase identifier");
    }

    @Test
    void unknownOptionIsAUsageErrorWithAHint() {
        Cli cli = new Cli("unused");

        assertThat(cli.runRaw("jobs", "list", "--colour")).isEqualTo(2);

        assertThat(cli.err()).startsWith("gantry jobs list: Unknown option: '--colour'")
                .contains("Try 'gantry jobs list --help' for more information.");
    }
}
