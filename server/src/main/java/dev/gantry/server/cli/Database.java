package dev.gantry.server.cli;

import javax.sql.DataSource;

import com.zaxxer.hikari.pool.HikariPool;

import dev.gantry.Gantry;
import dev.gantry.client.GantryClient;
import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.store.CommandStore;
import dev.gantry.store.Db;
import dev.gantry.store.LogStore;
import dev.gantry.store.Migrator;
import dev.gantry.store.SchemaName;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.SystemTimeSource;

/**
 * The database as one CLI command sees it: opened once per command, closed when it ends.
 * Opening fails at once (exit 1, one line naming DATABASE_URL or --database-url) when
 * PostgreSQL cannot be reached or the schema is not installed, rather than retrying as a
 * worker would. Gives the client and the stores the commands use.
 */
final class Database implements AutoCloseable {
    /** One connection for queries, one for LISTEN (logs --follow), one spare. */
    static final int POOL_SIZE = 3;

    private final Gantry gantry;
    private final Db db;
    private final SchemaName schema;

    private Database(Gantry gantry, SchemaName schema) {
        this.gantry = gantry;
        this.db = new Db(gantry.dataSource());
        this.schema = schema;
    }

    static Database open(DatabaseOptions options) {
        DatabaseUrl parsed = options.url();
        SchemaName schema = options.schemaName();
        Gantry gantry;
        try {
            gantry = Gantry.builder().databaseUrl(parsed).schema(schema.value()).poolSize(POOL_SIZE).failFast(true).build();
        } catch (HikariPool.PoolInitializationException e) {
            throw new ConfigException(options.setting(), "cannot connect to " + parsed.redacted() + ": " + rootMessage(e));
        }
        try {
            new Migrator(new Db(gantry.dataSource()), schema).checkCompatible();
        } catch (RuntimeException e) {
            gantry.close();
            throw e;
        }
        return new Database(gantry, schema);
    }

    GantryClient client() {
        return gantry.client();
    }

    dev.gantry.stats.StatsReader stats() {
        return gantry.stats();
    }

    dev.gantry.client.QueueClient queues() {
        return gantry.queues();
    }

    dev.gantry.server.auth.TokenService tokens() {
        return new dev.gantry.server.auth.TokenService(new dev.gantry.store.TokenStore(db, schema,
                dev.gantry.time.SystemTimeSource.INSTANCE));
    }

    WorkerStore workers() {
        return new WorkerStore(db, schema, SystemTimeSource.INSTANCE);
    }

    CommandStore commands() {
        return new CommandStore(db, schema, SystemTimeSource.INSTANCE);
    }

    LogStore logs() {
        return new LogStore(db, schema, SystemTimeSource.INSTANCE);
    }

    DataSource dataSource() {
        return gantry.dataSource();
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
