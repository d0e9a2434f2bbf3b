package dev.gantry.server.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.gantry.config.DatabaseUrl;

/**
 * {@code gantry database-url}: the postgres:// URL the data commands use, password included, so
 * that {@code psql "$(gantry database-url)"} reaches the embedded database of a zero-config server.
 */
@Command(name = "database-url", mixinStandardHelpOptions = true,
        description = {"Print the database URL the CLI uses (DATABASE_URL, else the embedded database of gantry server),",
                "password included: psql \"$(gantry database-url)\""})
public final class DatabaseUrlCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseUrl url = db.url();
        String hostAndDb = url.jdbcUrl().substring("jdbc:postgresql://".length());
        String user = url.user() == null ? "" : encode(url.user()) + (url.password() == null ? "" : ":" + encode(url.password())) + "@";
        spec.commandLine().getOut().println("postgres://" + user + hostAndDb);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
