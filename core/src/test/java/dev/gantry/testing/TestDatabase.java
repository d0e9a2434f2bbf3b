package dev.gantry.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.job.JobState;
import dev.gantry.store.Db;
import dev.gantry.store.Migrator;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/**
 * One migrated database for one test class. Gives pools, {@link Gantry} instances wired to it
 * and small query helpers for assertions. Closes everything it made.
 */
public final class TestDatabase implements AutoCloseable {
    private final PostgresServer server;
    private final String name;
    private final HikariDataSource pool;
    private final List<AutoCloseable> owned = new ArrayList<>();

    TestDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
        this.pool = newPool(8);
    }

    static void migrate(PostgresServer server, String database) {
        HikariConfig hc = config(server, database, 2);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            new Migrator(new Db(ds), SchemaName.DEFAULT).migrate();
        }
    }

    private static HikariConfig config(PostgresServer server, String database, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(server.jdbcUrl(database) + "?options=-c%20TimeZone%3DAmerica/Los_Angeles");
        hc.setUsername(server.user());
        if (server.password() != null) hc.setPassword(server.password());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(0);
        // Classes run three at a time against one server (max_connections 100 by default): a pool
        // a test leaves open gives its connections back soon (10 s is Hikari's shortest).
        hc.setIdleTimeout(10_000);
        return hc;
    }

    /** A new pool of its own (for a separate worker instance); closed with this database. */
    public HikariDataSource newPool(int size) {
        HikariDataSource ds = new HikariDataSource(config(server, name, size));
        owned.add(ds);
        return ds;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** postgres:// URL of this database, for child processes. */
    public String url() {
        return "postgres://" + server.user() + (server.password() == null ? "" : ":" + server.password()) + "@"
                + server.jdbcUrl(name).substring("jdbc:postgresql://".length());
    }

    public String name() {
        return name;
    }

    /** A Gantry on its own pool; closed (and its worker stopped) with this database. */
    public Gantry gantry(WorkerConfig worker, TimeSource time, GantryListener listener) {
        Gantry g = Gantry.builder().dataSource(newPool(worker == null ? 4 : worker.queues().size() + 8))
                .worker(worker).timeSource(time).listener(listener).build();
        owned.add(g);
        return g;
    }

    public Gantry client() {
        return gantry(null, dev.gantry.time.SystemTimeSource.INSTANCE, GantryListener.NONE);
    }

    /** Removes all jobs (kinds stay). */
    public void reset() {
        execute("TRUNCATE gantry.jobs RESTART IDENTITY");
    }

    public void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long queryLong(String sql, Object... params) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public String queryString(String sql, Object... params) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public long count(String where) {
        return queryLong("SELECT count(*) FROM gantry.jobs WHERE " + where);
    }

    public long countJobs() {
        return queryLong("SELECT count(*) FROM gantry.jobs");
    }

    public JobState state(long jobId) {
        String s = queryString("SELECT state FROM gantry.jobs WHERE id = ?", jobId);
        return s == null ? null : JobState.fromDb(s);
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception ignored) {
                // closing what the test left running; the database is dropped next
            }
        }
        pool.close();
        server.dropDatabase(name);
    }
}
