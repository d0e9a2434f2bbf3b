package dev.gantry.server.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;

/**
 * The settings of {@code gantry server}: its own rows plus the worker's (for the in-process
 * worker), except that the database is optional (unset starts the embedded PostgreSQL) and
 * {@code GANTRY_HTTP_PORT} and {@code GANTRY_HTTP_HOST} are the API's.
 */
public final class ServerSettings {
    private ServerSettings() {
    }

    public static final Setting<DatabaseUrl> DATABASE_URL = new Setting<>("DATABASE_URL", "--database-url", null, true, true,
            "PostgreSQL to use; unset: an embedded PostgreSQL whose data lives in GANTRY_DATA_DIR",
            raw -> DatabaseUrl.parse("value", raw));
    public static final Setting<Integer> HTTP_PORT = Setting.of("GANTRY_HTTP_PORT", "--http-port", "8080",
            "Port of the server's API, dashboard, /health and /metrics", Parsers::port);
    public static final Setting<String> HTTP_HOST = Setting.of("GANTRY_HTTP_HOST", "--http-host", "0.0.0.0",
            "Address the server listens on (127.0.0.1: this machine only)", Parsers::host);
    public static final Setting<String> ADMIN_TOKEN = new Setting<>("GANTRY_ADMIN_TOKEN", "--admin-token", null, true, true,
            "Bootstrap admin API token (24+ characters); unset: one is generated on first start and printed once",
            ServerSettings::adminToken);
    public static final Setting<Path> DATA_DIR = new Setting<>("GANTRY_DATA_DIR", "--data-dir", null, true, false,
            "Where the embedded PostgreSQL keeps its data; default ~/.gantry/data", raw -> Path.of(raw));
    public static final Setting<Long> MAX_BODY_BYTES = Setting.of("GANTRY_MAX_BODY_BYTES", "--max-body-bytes", "5242880",
            "Largest request body the API reads; larger ones get 413", raw -> Parsers.number(raw, 1024, 1L << 30));

    public static final Setting<Integer> API_POOL_SIZE = Setting.of("GANTRY_API_POOL_SIZE", "--api-pool-size", "10",
            "Connections the API and its streams may use; the in-process worker has a pool of its own",
            raw -> (int) Parsers.number(raw, 2, 500));
    public static final Setting<Duration> API_STATEMENT_TIMEOUT = Setting.of("GANTRY_API_STATEMENT_TIMEOUT_MS",
            "--api-statement-timeout-ms", "10000",
            "Longest any API or stream query may run before PostgreSQL cancels it (the request gets 503)",
            raw -> Parsers.millis(raw, 100, 3_600_000));
    public static final Setting<Integer> MAX_STREAMS = Setting.of("GANTRY_MAX_STREAMS", "--max-streams", "200",
            "Most event and log streams open at once; more get 429", raw -> (int) Parsers.number(raw, 1, 100_000));
    public static final Setting<Integer> MAX_STREAMS_PER_TOKEN = Setting.of("GANTRY_MAX_STREAMS_PER_TOKEN",
            "--max-streams-per-token", "10", "Most streams one API token may hold open at once; more get 429",
            raw -> (int) Parsers.number(raw, 1, 100_000));

    /** The rows only the server has (for the configuration reference). */
    public static final List<Setting<?>> OWN = List.of(DATABASE_URL, HTTP_PORT, HTTP_HOST, ADMIN_TOKEN, DATA_DIR,
            MAX_BODY_BYTES, API_POOL_SIZE, API_STATEMENT_TIMEOUT, MAX_STREAMS, MAX_STREAMS_PER_TOKEN);

    /** Server rows first, then the worker's rows that the in-process worker uses. */
    public static final List<Setting<?>> ALL = all();


    private static List<Setting<?>> all() {
        List<Setting<?>> out = new ArrayList<>(OWN);
        for (Setting<?> s : WorkerSettings.ALL) {
            if (s != WorkerSettings.DATABASE_URL && s != WorkerSettings.HTTP_PORT && s != WorkerSettings.HTTP_HOST) out.add(s);
        }
        return List.copyOf(out);
    }

    /** Values that shipped in Gantry's example files: everyone who read them knows them. */
    private static final List<String> SHIPPED_ADMIN_TOKENS = List.of("local-admin-token-change-me",
            "CHANGE-ME-to-the-output-of-openssl-rand-hex-32");

    private static String adminToken(String raw) {
        if (SHIPPED_ADMIN_TOKENS.contains(raw) || raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "").contains("changeme")) {
            throw new ConfigException("value", "is a placeholder from an example file, which anyone can read; set a secret"
                    + " of your own, e.g. the output of openssl rand -hex 32");
        }
        return raw;
    }

}
