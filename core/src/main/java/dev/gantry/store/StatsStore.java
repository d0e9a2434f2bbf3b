package dev.gantry.store;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.gantry.config.SchemaName;
import dev.gantry.job.JobState;
import dev.gantry.time.TimeSource;

/**
 * Reads job statistics (counts from {@code gantry.jobs}, windows and series from the rollup
 * {@code gantry.job_stats}) and prunes the rollup. Binds parameters and maps rows; the
 * arithmetic (rates, percentiles) is the reader's. Thread-safe.
 */
public final class StatsStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql countByQueueAndState;
    private final NamedSql keepCounts;
    private final NamedSql keptCounts;
    private final NamedSql oldestAvailable;
    private final NamedSql windows;
    private final NamedSql minutes;
    private final NamedSql compact;
    private final NamedSql pruneMinutes;
    private final NamedSql pruneHours;

    public StatsStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        String s = schema.value();
        countByQueueAndState = NamedSql.parse(StatsSql.COUNT_BY_QUEUE_AND_STATE, s);
        keepCounts = NamedSql.parse(StatsSql.KEEP_COUNTS, s);
        keptCounts = NamedSql.parse(StatsSql.KEPT_COUNTS, s);
        oldestAvailable = NamedSql.parse(StatsSql.OLDEST_AVAILABLE, s);
        windows = NamedSql.parse(StatsSql.WINDOWS, s);
        minutes = NamedSql.parse(StatsSql.MINUTES, s);
        compact = NamedSql.parse(StatsSql.COMPACT, s);
        pruneMinutes = NamedSql.parse(StatsSql.PRUNE_MINUTES, s);
        pruneHours = NamedSql.parse(StatsSql.PRUNE_HOURS, s);
    }

    /** Counts every job by queue and state: a full scan of the table, see StatsReader for its cache. */
    public JobCounts countJobs() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return db.inTransactionWith(StatsSql.COUNT_SETTINGS, "count jobs by queue and state", conn -> {
            Instant asOf = null;
            List<JobCounts.Row> rows = new ArrayList<>();
            try (PreparedStatement ps = countByQueueAndState.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    asOf = Rows.instant(rs, "now");
                    String queue = rs.getString("queue");
                    if (queue != null) {
                        rows.add(new JobCounts.Row(queue, JobState.fromDb(rs.getString("state")), rs.getLong("jobs")));
                    }
                }
            }
            return new JobCounts(asOf, rows);
        });
    }

    /** A count kept in the database (V008), and how long it took to make. */
    public record KeptCounts(JobCounts counts, Duration took) {
    }

    /** Keeps this count for the next process that starts; a newer kept count stays. */
    public void keepCounts(JobCounts counts, Duration took) {
        ArrayNode rows = Rows.JSON.createArrayNode();
        for (JobCounts.Row r : counts.rows()) rows.addArray().add(r.queue()).add(r.state().dbName()).add(r.jobs());
        Map<String, Object> p = new HashMap<>();
        p.put("counted_at", counts.asOf());
        p.put("took_ms", (int) Math.min(Integer.MAX_VALUE, took.toMillis()));
        p.put("counts", rows.toString());
        db.withConnection("keep job counts", conn -> {
            try (PreparedStatement ps = keepCounts.prepare(conn, p)) {
                return ps.executeUpdate();
            }
        });
    }

    /** The kept count, if one was made between {@code since} and {@code until}. */
    public Optional<KeptCounts> keptCounts(Instant since, Instant until) {
        return db.withConnection("read the kept job counts", conn -> {
            try (PreparedStatement ps = keptCounts.prepare(conn, Map.of("since", since, "until", until));
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                List<JobCounts.Row> rows = new ArrayList<>();
                try {
                    for (JsonNode r : Rows.JSON.readTree(rs.getString("counts"))) {
                        if (!r.isArray() || r.size() != 3 || !r.get(0).isTextual() || !r.get(2).canConvertToLong()) {
                            throw new SQLException("unreadable kept job counts: " + r + " is not [queue, state, jobs]");
                        }
                        rows.add(new JobCounts.Row(r.get(0).asText(), JobState.fromDb(r.get(1).asText()), r.get(2).asLong()));
                    }
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    throw new SQLException("unreadable kept job counts", e);
                }
                return Optional.of(new KeptCounts(new JobCounts(Rows.instant(rs, "counted_at"), rows),
                        Duration.ofMillis(rs.getInt("took_ms"))));
            }
        });
    }

    /**
     * Reads the windows (each at least a minute), the last {@code minuteCount} minutes and the
     * oldest available job per queue on one connection, at one "now".
     */
    public RollupRead read(List<Duration> windowLengths, int minuteCount) {
        if (windowLengths.isEmpty()) throw new IllegalArgumentException("windowLengths: at least one window");
        if (minuteCount < 1) throw new IllegalArgumentException("minuteCount: must be > 0");
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("windows_s", NamedSql.SqlArray.of("int4", windowLengths.stream().map(d -> (int) d.toSeconds()).toList()));
        return db.withConnection("read job statistics", conn -> {
            Map<Long, Instant> starts = new HashMap<>();
            List<WindowRow> windowRows = new ArrayList<>();
            Instant now = null;
            try (PreparedStatement ps = windows.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    now = Rows.instant(rs, "now");
                    long seconds = rs.getLong("window_s");
                    starts.put(seconds, Rows.instant(rs, "start"));
                    String queue = rs.getString("queue");
                    if (queue != null) windowRows.add(new WindowRow(seconds, queue, sums(rs)));
                }
            }
            Map<String, Object> atNow = new HashMap<>();
            atNow.put("now", now);
            atNow.put("minutes", minuteCount);
            List<MinuteRow> minuteRows = new ArrayList<>();
            try (PreparedStatement ps = minutes.prepare(conn, atNow); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    minuteRows.add(new MinuteRow(Rows.instant(rs, "bucket"), rs.getString("queue"), sums(rs)));
                }
            }
            Map<String, Double> oldest = new HashMap<>();
            try (PreparedStatement ps = oldestAvailable.prepare(conn, atNow); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) oldest.put(rs.getString("queue"), rs.getDouble("oldest_available_s"));
            }
            return new RollupRead(now, starts, windowRows, minuteRows, oldest);
        });
    }

    private static RollupSums sums(ResultSet rs) throws SQLException {
        return new RollupSums(rs.getLong("claimed"), rs.getLong("completed"), rs.getLong("failed"),
                rs.getLong("discarded"), rs.getLong("cancelled"), rs.getDouble("wait_ms_sum"),
                rs.getDouble("wait_ms_max"), rs.getLong("run_count"), rs.getDouble("run_ms_sum"),
                rs.getDouble("run_ms_max"), longs(rs.getArray("wait_h")), longs(rs.getArray("run_h")));
    }

    private static long[] longs(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = ((Number) values[i]).longValue();
        return out;
    }

    /** Moves up to {@code limit} minute rows older than two hours into hourly rows; returns how many it moved. */
    public int compact(int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("limit", limit);
        return db.withConnection("compact job statistics", conn -> {
            try (PreparedStatement ps = compact.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Deletes rollup rows (minutes and hours) older than the retention; returns how many. */
    public int prune(Duration retention) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("retention_ms", retention.toMillis());
        return db.withConnection("prune job statistics", conn -> {
            int n;
            try (PreparedStatement ps = pruneMinutes.prepare(conn, p)) {
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = pruneHours.prepare(conn, p)) {
                return n + ps.executeUpdate();
            }
        });
    }
}
