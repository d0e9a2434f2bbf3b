package dev.gantry.server.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.gantry.config.DatabaseUrl;
import dev.gantry.server.embedded.EmbeddedDatabase;

/**
 * A PostgreSQL cluster of the test's own, never the shared one: the embedded server's binaries
 * (so no system PostgreSQL is needed, and as root it runs as nobody, docs/adr/0011) in a
 * directory of the test, on a free port. {@link #stop()} is a fast shutdown that keeps the data;
 * {@link #start()} brings it back on the same port, so clients reconnect to the same URL.
 */
public final class OwnPostgres implements AutoCloseable {
    private final Path dir;
    private final Consumer<String> progress;
    private final int port;
    private final DatabaseUrl url;
    private EmbeddedDatabase db;

    private OwnPostgres(Path dir, Consumer<String> progress, EmbeddedDatabase db) {
        this.dir = dir;
        this.progress = progress;
        this.db = db;
        this.port = db.port();
        this.url = db.url();
    }

    /** initdb on first use (seconds: unpacking and initdb), then starts on a free port. */
    public static OwnPostgres start(Path dir, Consumer<String> progress) {
        return new OwnPostgres(dir, progress, EmbeddedDatabase.start(dir, 0, progress));
    }

    public DatabaseUrl url() {
        return url;
    }

    /** The URL as a {@code DATABASE_URL} for a gantry process. */
    public String databaseUrl() {
        return "postgres://" + url.user() + ":" + url.password() + "@127.0.0.1:" + port + "/" + EmbeddedDatabase.DATABASE;
    }

    public int port() {
        return port;
    }

    /** pg_ctl stop -m fast: sessions are cut, open transactions rolled back, the data stays. */
    public synchronized void stop() {
        if (db == null) return;
        db.close();
        db = null;
    }

    /** Starts it again on the same port with the same data. */
    public synchronized void start() {
        if (db != null) return;
        db = EmbeddedDatabase.start(dir, port, progress);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    }

    public void execute(String sql) {
        try (Connection c = connect(); var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    public long queryLong(String sql, Object... params) {
        List<List<Object>> rows = query(sql, params);
        return ((Number) rows.getFirst().getFirst()).longValue();
    }

    /** Every row, as a list of column values. */
    public List<List<Object>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<Object>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) row.add(rs.getObject(i));
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }
}
