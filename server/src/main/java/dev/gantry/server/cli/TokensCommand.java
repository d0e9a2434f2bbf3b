package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.gantry.client.IssuedToken;
import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.server.cli.output.RelativeTime;
import dev.gantry.server.cli.output.Table;
import dev.gantry.client.ApiToken;

/**
 * {@code gantry tokens create|list|revoke}: the server's API tokens, straight in the database
 * (whoever can reach PostgreSQL administers the server). The plain token is printed once.
 */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = {"Create, list and revoke the HTTP API's tokens.",
                "Roles: viewer (read), operator (also enqueue, retry, cancel, pause, worker commands), admin (also tokens)."},
        subcommands = {TokensCommand.Create.class, TokensCommand.List.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: create, list or revoke");
    }

    /** {@code gantry tokens create NAME --role R}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once (only its SHA-256 digest is stored).")
    public static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Who or what uses it, unique among live tokens (e.g. grafana, alice).")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;

        @Option(names = "--expires-in", paramLabel = "DURATION", description = "Lifetime such as 30d, 12h (default: no expiry).")
        String expiresIn;

        @Option(names = "--json", description = "Print the token and its row as JSON.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Instant expires = expiresIn == null ? null : Instant.now().plus(TimeInput.duration(expiresIn));
            IssuedToken issued;
            try (Database database = db.open()) {
                issued = database.tokens().create(name, role, expires, "cli");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, Map.of("token", issued.secret(), "id", issued.token().id(), "name", issued.token().name(),
                        "role", issued.token().role()));
            } else {
                out.println(issued.secret());
                spec.commandLine().getErr().println("token " + issued.token().id() + " \"" + name + "\" (" + role
                        + ") created; it is shown only now");
                spec.commandLine().getErr().flush();
            }
            out.flush();
            return 0;
        }
    }

    /** {@code gantry tokens list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never the tokens themselves).")
    public static final class List implements Callable<Integer> {
        @Option(names = "--all", description = "Include revoked and expired tokens.")
        boolean all;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            java.util.List<ApiToken> tokens;
            try (Database database = db.open()) {
                tokens = database.tokens().list().stream().filter(t -> all || t.active(now)).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOutput.print(out, tokens);
                return 0;
            }
            RelativeTime time = RelativeTime.system();
            Table t = new Table("ID", "NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "EXPIRES", "STATE");
            for (ApiToken k : tokens) {
                t.row(k.id(), k.name(), k.role(), k.prefix() + "...", time.of(k.createdAt()),
                        k.lastUsedAt() == null ? "never" : time.of(k.lastUsedAt()),
                        k.expiresAt() == null ? "never" : time.of(k.expiresAt()),
                        k.revokedAt() != null ? "revoked" : k.active(now) ? "live" : "expired");
            }
            if (t.isEmpty()) out.println("no tokens");
            else t.print(out);
            out.flush();
            return 0;
        }
    }

    /** {@code gantry tokens revoke ID|NAME}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a live token by id or name; it stops working at once.")
    public static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ID|NAME", description = "The token's id or name.")
        String idOrName;

        @Mixin
        DatabaseOptions db = new DatabaseOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ApiToken t;
            try (Database database = db.open()) {
                t = database.tokens().revoke(idOrName)
                        .orElseThrow(() -> new CliException(GantryCommand.EXIT_NOT_FOUND, "no live token " + idOrName));
            }
            spec.commandLine().getOut().println("revoked token " + t.id() + " \"" + t.name() + "\"");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
