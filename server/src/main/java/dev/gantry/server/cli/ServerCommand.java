package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;
import dev.gantry.error.GantryException;
import dev.gantry.server.embedded.EmbeddedDatabase;
import dev.gantry.server.GantryServer;
import dev.gantry.client.TokenBootstrap;
import dev.gantry.server.logging.LogSetup;
import dev.gantry.server.logging.SecretMask;
import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.settings.SettingsLoader;
import dev.gantry.server.settings.WorkerSettings;

/**
 * {@code gantry server}: the HTTP API, live streams, dashboard and, unless {@code --no-worker},
 * a worker in the same process. It migrates the schema at start. The admin token it generates
 * on first start is printed to stdout once, never logged.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the HTTP API and dashboard, with a worker unless --no-worker. "
                + "Every option has an environment variable; the flag wins.")
public final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--no-worker", description = "Serve the API only; run workers as separate `gantry worker` processes")
    boolean noWorker;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SettingsLoader settings = WorkerCommand.load(spec, ServerSettings.ALL);
        WorkerConfig worker = null;
        if (settings.errors().isEmpty() && !noWorker) {
            try {
                worker = WorkerCommand.workerConfig(settings);
            } catch (ConfigException e) {
                err.println("gantry server: " + e.getMessage());
                return GantryCommand.EXIT_CONFIG;
            }
        }
        if (!settings.errors().isEmpty()) {
            settings.errors().forEach(e -> err.println("gantry server: " + e));
            err.flush();
            return GantryCommand.EXIT_CONFIG;
        }
        String adminToken = settings.get(ServerSettings.ADMIN_TOKEN);
        if (adminToken != null) SecretMask.INSTANCE.add(adminToken);
        DatabaseUrl db = settings.get(ServerSettings.DATABASE_URL);
        LogSetup.configure(settings.get(WorkerSettings.LOG_FORMAT), settings.get(WorkerSettings.LOG_LEVEL));
        EmbeddedDatabase embedded = null;
        if (db == null) {
            try {
                java.nio.file.Path dir = settings.get(ServerSettings.DATA_DIR) != null
                        ? settings.get(ServerSettings.DATA_DIR).toAbsolutePath().normalize() : EmbeddedDatabase.defaultDataDir();
                out.println("DATABASE_URL is not set: starting the embedded PostgreSQL (data in " + dir + ")");
                out.flush();
                embedded = EmbeddedDatabase.start(dir, line -> {
                    out.println("  " + line);
                    out.flush();
                });
                db = embedded.url();
            } catch (GantryException e) {
                err.println("gantry server: " + e.getMessage());
                return GantryCommand.EXIT_CONFIG;
            }
        }
        SecretMask.INSTANCE.addAll(db.secrets());
        GantryServer server;
        try {
            server = new GantryServer(new GantryServer.Config(db, settings.get(WorkerSettings.SCHEMA).value(),
                    settings.get(ServerSettings.HTTP_HOST), settings.get(ServerSettings.HTTP_PORT), adminToken,
                    settings.get(ServerSettings.MAX_BODY_BYTES), worker, settings.get(WorkerSettings.LOG_BUFFER),
                    new GantryServer.ApiLimits(settings.get(ServerSettings.API_POOL_SIZE),
                            settings.get(ServerSettings.API_STATEMENT_TIMEOUT), settings.get(ServerSettings.MAX_STREAMS),
                            settings.get(ServerSettings.MAX_STREAMS_PER_TOKEN)),
                    settings.get(WorkerSettings.POOL_SIZE)), line -> {
                        out.println(line);
                        out.flush();
                    });
        } catch (GantryException e) {
            err.println("gantry server: " + e.getMessage());
            if (embedded != null) embedded.close();
            return GantryCommand.EXIT_CONFIG;
        }
        // With the embedded database, its own hook stops the server first and PostgreSQL last:
        // JVM hooks run concurrently, so a second hook would race PostgreSQL's stop.
        if (embedded != null) {
            embedded.beforeStop(server::close);
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gantry-sigterm"));
        }
        banner(out, server, settings.get(ServerSettings.HTTP_HOST));
        if (embedded != null) {
            out.println("Database: embedded PostgreSQL, " + db.redacted() + "; its password is in "
                    + embedded.dataDir().resolve("embedded.properties") + " (the CLI finds it by itself)");
            out.flush();
        }
        log.atInfo().setMessage("server started").addKeyValue("port", server.port()).addKeyValue("database", db.redacted())
                .addKeyValue("worker", worker == null ? "none" : worker.workerId()).log();
        // Serves until SIGTERM or SIGINT, whose hook closes the server. A shutdown command stops
        // only the in-process worker: the API goes on serving (docs/control-plane.md).
        new CountDownLatch(1).await();
        return 0;
    }

    /** The first lines an operator reads: where to go and how to get in. Printed, not logged. */
    private static void banner(PrintWriter out, GantryServer server, String host) {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        out.println("Gantry is running: dashboard http://" + shown + ":" + server.port() + "/  API http://" + shown + ":"
                + server.port() + "/api");
        switch (server.bootstrap()) {
            case TokenBootstrap.Generated g -> {
                out.println("Admin token (shown once, save it now): " + g.secret());
                out.println("  e.g. curl -H 'Authorization: Bearer " + g.secret() + "' http://" + shown + ":" + server.port()
                        + "/api/stats");
            }
            case TokenBootstrap.Given f -> out.println(f.revoked()
                    ? "GANTRY_ADMIN_TOKEN was revoked and is not accepted; set a new one or use another admin token"
                    : "Admin token: the value of GANTRY_ADMIN_TOKEN");
            case TokenBootstrap.Existing e -> out.println("Admin tokens exist (" + e.admins()
                    + "); use one, or create another with `gantry tokens create NAME --role admin`");
        }
        out.flush();
    }
}
