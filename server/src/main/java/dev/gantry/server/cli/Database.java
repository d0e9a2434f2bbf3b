package dev.gantry.server.cli;

import com.zaxxer.hikari.pool.HikariPool;

import dev.gantry.Gantry;
import dev.gantry.client.GantryClient;
import dev.gantry.client.LogClient;
import dev.gantry.client.QueueClient;
import dev.gantry.client.TokenClient;
import dev.gantry.client.WorkerClient;
import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.stats.StatsReader;

/**
 * The database as one CLI command sees it, through the library's public API: opened once per
 * command, closed when it ends. Opening fails at once (exit 1, one line naming DATABASE_URL or
 * --database-url) when PostgreSQL cannot be reached or the schema is not installed, rather than
 * retrying as a worker would.
 */
final class Database implements AutoCloseable {
    /** One connection for queries, one for LISTEN (logs --follow), one spare. */
    static final int POOL_SIZE = 3;

    private final Gantry gantry;

    private Database(Gantry gantry) {
        this.gantry = gantry;
    }

    static Database open(DatabaseOptions options) {
        DatabaseUrl parsed = options.url();
        String schema = options.schemaName().value();
        Gantry gantry;
        try {
            gantry = Gantry.builder().databaseUrl(parsed).schema(schema).poolName("gantry-cli").poolSize(POOL_SIZE)
                    .failFast(true).build();
        } catch (HikariPool.PoolInitializationException e) {
            throw new ConfigException(options.setting(), "cannot connect to " + parsed.redacted() + ": " + rootMessage(e));
        }
        try {
            gantry.checkSchema();
        } catch (RuntimeException e) {
            gantry.close();
            throw e;
        }
        return new Database(gantry);
    }

    GantryClient client() {
        return gantry.client();
    }

    StatsReader stats() {
        return gantry.stats();
    }

    dev.gantry.client.ScheduleClient schedules() {
        return gantry.schedules();
    }

    dev.gantry.client.LimitClient limits() {
        return gantry.limits();
    }

    QueueClient queues() {
        return gantry.queues();
    }

    TokenClient tokens() {
        return gantry.tokens();
    }

    WorkerClient workers() {
        return gantry.workers();
    }

    LogClient logs() {
        return gantry.logs();
    }

    @Override
    public void close() {
        gantry.close();
    }

    /** The innermost cause's first line: what the driver said, without the wrapping. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }
}
