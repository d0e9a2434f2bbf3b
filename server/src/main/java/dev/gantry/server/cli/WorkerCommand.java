package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.gantry.Gantry;
import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;
import dev.gantry.config.ControlHooks;
import dev.gantry.server.kinds.demo.DemoKinds;
import dev.gantry.server.logging.LogSetup;
import dev.gantry.server.observability.GantryMetrics;
import dev.gantry.server.observability.WorkerHttp;
import dev.gantry.server.logging.SecretMask;
import dev.gantry.server.settings.Setting;
import dev.gantry.server.settings.SettingsLoader;
import dev.gantry.server.settings.WorkerSettings;

/**
 * {@code gantry worker}: a worker process configured from the environment (or matching flags),
 * validated at start: every bad value is reported on its own line and the process exits 1.
 * Runs the built-in demo kinds. SIGTERM, SIGINT and the shutdown command stop it gracefully.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker process. Every option has an environment variable; the flag wins.")
public final class WorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Adds one option per row of the settings table, so flags, env vars and docs never drift. */
    static CommandLine.Model.CommandSpec withSettingOptions(CommandLine.Model.CommandSpec spec, List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            spec.addOption(CommandLine.Model.OptionSpec.builder(s.flag())
                    .paramLabel("<" + s.env() + ">").type(String.class)
                    .description(s.description() + " (env " + s.env()
                            + (s.defaultValue() == null ? "" : ", default " + s.defaultValue()) + ")")
                    .build());
        }
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        SettingsLoader settings = load(spec, WorkerSettings.ALL);
        WorkerConfig config = null;
        if (settings.errors().isEmpty()) {
            try {
                config = workerConfig(settings);
            } catch (ConfigException e) {
                err.println("gantry worker: " + e.getMessage());
                return GantryCommand.EXIT_CONFIG;
            }
        }
        if (!settings.errors().isEmpty()) {
            settings.errors().forEach(e -> err.println("gantry worker: " + e));
            err.flush();
            return GantryCommand.EXIT_CONFIG;
        }
        DatabaseUrl db = settings.get(WorkerSettings.DATABASE_URL);
        SecretMask.INSTANCE.addAll(db.secrets());
        LogSetup.configure(settings.get(WorkerSettings.LOG_FORMAT), settings.get(WorkerSettings.LOG_LEVEL));
        CountDownLatch exited = new CountDownLatch(1);
        GantryMetrics metrics = new GantryMetrics();
        Gantry gantry = Gantry.builder()
                .databaseUrl(db)
                .listener(metrics)
                .poolMetricRegistry(metrics.registry())
                .logBufferSize(settings.get(WorkerSettings.LOG_BUFFER))
                .poolSize(settings.get(WorkerSettings.POOL_SIZE))
                .schema(settings.get(WorkerSettings.SCHEMA).value())
                .worker(config)
                .controlHooks(new ControlHooks(LogSetup::level, LogSetup::level, exited::countDown))
                .build();
        DemoKinds.register(gantry);
        Thread hook = new Thread(gantry::close, "gantry-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        log.atInfo().setMessage("starting worker").addKeyValue("worker_id", config.workerId())
                .addKeyValue("database", db.redacted()).addKeyValue("queues", dev.gantry.config.QueueConfig.format(settings.get(WorkerSettings.QUEUES)))
                .log();
        gantry.start();
        LogSetup.shipTo(gantry::shipLog, config.workerId());
        WorkerHttp http = startHttp(settings.get(WorkerSettings.HTTP_HOST), settings.get(WorkerSettings.HTTP_PORT), gantry, metrics);
        exited.await();
        if (http != null) http.close();
        log.atInfo().setMessage("shutting down on command").log();
        Runtime.getRuntime().removeShutdownHook(hook);
        gantry.close();
        return 0;
    }

    /** Every setting from its flag (as parsed by picocli), else the environment, else its default. */
    static SettingsLoader load(CommandLine.Model.CommandSpec spec, List<Setting<?>> rows) {
        Map<String, String> flags = new HashMap<>();
        for (Setting<?> s : rows) {
            CommandLine.Model.OptionSpec o = spec.findOption(s.flag());
            if (o != null && o.getValue() != null) flags.put(s.flag(), o.getValue());
        }
        return new SettingsLoader(System.getenv(), flags).load(rows);
    }

    /** /health and /metrics, plus the gauges that need the running worker; null when the port is 0. */
    private static WorkerHttp startHttp(String host, int port, Gantry gantry, GantryMetrics metrics) {
        metrics.bindWorker(gantry);
        if (port == 0) return null;
        try {
            WorkerHttp http = new WorkerHttp(host, port, gantry, metrics);
            log.atInfo().setMessage("health and metrics listening").addKeyValue("host", host).addKeyValue("port", http.port())
                    .log();
            return http;
        } catch (java.io.IOException e) {
            throw new ConfigException(WorkerSettings.HTTP_PORT.env(), "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static WorkerConfig workerConfig(SettingsLoader s) {
        WorkerConfig.Builder b = WorkerConfig.builder()
                .queues(s.get(WorkerSettings.QUEUES))
                .pollInterval(s.get(WorkerSettings.POLL_INTERVAL))
                .listen(s.get(WorkerSettings.LISTEN))
                .synchronousCommit(s.get(WorkerSettings.SYNCHRONOUS_COMMIT))
                .heartbeatInterval(s.get(WorkerSettings.HEARTBEAT_INTERVAL))
                .deadTimeout(s.get(WorkerSettings.DEAD_TIMEOUT))
                .leaseDuration(s.get(WorkerSettings.LEASE))
                .monitorInterval(s.get(WorkerSettings.MONITOR_INTERVAL))
                .logRetention(s.get(WorkerSettings.LOG_RETENTION))
                .scheduleInterval(s.get(WorkerSettings.SCHEDULE_INTERVAL))
                .retention(s.get(WorkerSettings.RETENTION))
                .retentionInterval(s.get(WorkerSettings.RETENTION_INTERVAL))
                .retentionArchive(s.get(WorkerSettings.RETENTION_ARCHIVE))
                .claimStallTimeout(s.get(WorkerSettings.STALL_TIMEOUT))
                .shutdownTimeout(s.get(WorkerSettings.SHUTDOWN_TIMEOUT).isZero()
                        ? java.time.Duration.ofMillis(1) : s.get(WorkerSettings.SHUTDOWN_TIMEOUT));
        if (s.get(WorkerSettings.WORKER_ID) != null) b.workerId(s.get(WorkerSettings.WORKER_ID));
        try {
            return b.build();
        } catch (ConfigException e) {
            throw new ConfigException(envOf(e.setting()), e.getMessage().substring(e.setting().length() + 2));
        }
    }

    /** Maps a WorkerConfig field to the variable an operator sets. */
    private static String envOf(String field) {
        return switch (field) {
            case "deadTimeout" -> WorkerSettings.DEAD_TIMEOUT.env();
            case "heartbeatInterval" -> WorkerSettings.HEARTBEAT_INTERVAL.env();
            case "pollInterval" -> WorkerSettings.POLL_INTERVAL.env();
            case "queues" -> WorkerSettings.QUEUES.env();
            default -> field;
        };
    }

    static List<Setting<?>> settings() {
        return WorkerSettings.ALL;
    }
}
