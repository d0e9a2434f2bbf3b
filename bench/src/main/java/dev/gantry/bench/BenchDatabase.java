package dev.gantry.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gantry.Gantry;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;

/**
 * The scratch schema the benchmark works in: migrated at start, emptied between workloads,
 * dropped at the end. Setup (pre-enqueueing, vacuuming) goes through here so that workloads
 * only contain what they measure.
 */
final class BenchDatabase implements AutoCloseable {
    /**
     * The no-op job: its handler does nothing and returns null, as in the peers harness. Until
     * 2026-12-06 it was demo.sleep with ms 0, which yields its virtual thread and stores a result
     * (docs/benchmarks.md has both, from one run).
     */
    static final String NOOP = "demo.noop";
    static final String LOG = "demo.log";
    static final Map<String, Object> NOOP_ARGS = Map.of("seq", 0);
    static final Map<String, Object> LOG_ARGS = Map.of("lines", List.of("bench line"));
    private static final int SETUP_BATCH = 5_000;

    final BenchOptions options;
    final Gantry gantry;
    final String schema;

    BenchDatabase(BenchOptions options) {
        this.options = options;
        this.schema = options.schema();
        this.gantry = Gantry.builder().databaseUrl(options.database()).schema(schema).poolSize(8).build();
        gantry.migrate();
        gantry.client().declareKind(NOOP, LOG);
    }

    GantryClient client() {
        return gantry.client();
    }

    /** A plain connection of its own, outside the pool, as a bare JDBC program would use. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(options.database().jdbcUrl(), options.database().user(),
                options.database().password());
    }

    /** Empties every table the workloads touch and reclaims the space, so runs start alike. */
    void reset() throws SQLException {
        execute("TRUNCATE " + schema + ".jobs, " + schema + ".workers, " + schema + ".worker_commands, "
                + schema + ".worker_logs, " + schema + ".job_stats, " + schema + ".job_stats_hourly RESTART IDENTITY");
        execute("VACUUM ANALYZE " + schema + ".jobs");
    }

    /** Pre-enqueues no-op jobs (every {@code logEvery}-th one logs a line, 0 for none), then analyzes. */
    void enqueueNoops(int jobs, int logEvery) throws SQLException {
        List<JobRequest> batch = new ArrayList<>(SETUP_BATCH);
        for (int i = 1; i <= jobs; i++) {
            boolean logs = logEvery > 0 && i % logEvery == 0;
            batch.add(JobRequest.of(logs ? LOG : NOOP, logs ? LOG_ARGS : NOOP_ARGS));
            if (batch.size() == SETUP_BATCH || i == jobs) {
                client().enqueueMany(batch);
                batch.clear();
            }
        }
        execute("VACUUM ANALYZE " + schema + ".jobs");
    }

    /** Forgets the job count kept for the next start (V008), so that the next reader counts as at a first start. */
    void forgetKeptCounts() {
        try {
            execute("DELETE FROM " + schema + ".kept_job_counts");
        } catch (SQLException e) {
            throw new IllegalStateException("could not forget the kept job counts", e);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    long queryLong(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        gantry.close();
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
