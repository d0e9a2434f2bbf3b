package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.pool.HikariPool;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.gantry.Gantry;
import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.error.GantryException;

/** {@code gantry migrate}: creates or upgrades the schema and prints what it applied. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Create or upgrade Gantry's schema in the database; prints the migrations applied.")
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db = new DatabaseOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseUrl url;
        try {
            url = db.url();
        } catch (ConfigException e) {
            err.println("gantry migrate: " + e.getMessage());
            return GantryCommand.EXIT_CONFIG;
        }
        try (Gantry gantry = Gantry.builder().databaseUrl(url).schema(db.schema).poolSize(2).failFast(true).build()) {
            List<Gantry.Migration> applied = gantry.migrate();
            if (applied.isEmpty()) {
                out.println("schema " + db.schema + " is up to date");
            } else {
                for (Gantry.Migration a : applied) out.println("applied " + a.version() + " " + a.description());
                out.println("schema " + db.schema + " migrated (" + applied.size() + " applied)");
            }
            out.flush();
            return 0;
        } catch (GantryException | HikariPool.PoolInitializationException | org.flywaydb.core.api.FlywayException e) {
            err.println("gantry migrate: cannot migrate " + url.redacted() + ": "
                    + oneLine(e));
            return GantryCommand.EXIT_CONFIG;
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }
}
