package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.client.LogRecord;
import dev.gantry.client.LogQuery;
import dev.gantry.client.LogEntry;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/** Writes, reads and prunes {@code gantry.worker_logs}. */
public final class LogStore {
    static final int PRUNE_BATCH = 10_000;

    private final Db db;
    private final SchemaName schema;
    private final TimeSource time;
    private final NamedSql insertMany;
    private final NamedSql prune;
    private final NamedSql latestId;
    private final NamedSql firstGap;
    private final NamedSql writeInFlight;

    public LogStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.schema = schema;
        this.time = time;
        insertMany = NamedSql.parse(LogSql.INSERT_MANY, schema.value());
        prune = NamedSql.parse(LogSql.PRUNE, schema.value());
        latestId = NamedSql.parse(LogSql.LATEST_ID, schema.value());
        firstGap = NamedSql.parse(LogSql.FIRST_GAP, schema.value());
        writeInFlight = NamedSql.parse(LogSql.WRITE_IN_FLIGHT, schema.value());
    }

    /** The channel on which shipped batches are announced, for live tails. */
    public String channel() {
        return schema.value() + ".worker_log";
    }

    public void insertMany(String workerId, List<LogRecord> rows) {
        if (rows.isEmpty()) return;
        int n = rows.size();
        List<Object> jobIds = new ArrayList<>(n), levels = new ArrayList<>(n), loggers = new ArrayList<>(n),
                messages = new ArrayList<>(n), fields = new ArrayList<>(n), exceptions = new ArrayList<>(n),
                createdAts = new ArrayList<>(n);
        for (LogRecord r : rows) {
            jobIds.add(r.jobId());
            levels.add(r.level());
            loggers.add(r.logger());
            messages.add(r.message());
            fields.add(r.fieldsJson());
            exceptions.add(r.exception());
            createdAts.add(r.createdAt().toString());
        }
        Map<String, Object> p = new HashMap<>();
        p.put("worker_id", workerId);
        p.put("channel", channel());
        p.put("job_ids", NamedSql.SqlArray.of("int8", jobIds));
        p.put("levels", NamedSql.SqlArray.of("text", levels));
        p.put("loggers", NamedSql.SqlArray.of("text", loggers));
        p.put("messages", NamedSql.SqlArray.of("text", messages));
        p.put("fields", NamedSql.SqlArray.of("text", fields));
        p.put("exceptions", NamedSql.SqlArray.of("text", exceptions));
        p.put("created_ats", NamedSql.SqlArray.of("text", createdAts));
        db.withConnection("ship " + n + " log events", conn -> {
            try (PreparedStatement ps = insertMany.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
            return null;
        });
    }

    /**
     * Reads log lines: newest first, or oldest first after {@link LogQuery#afterId()} (see
     * {@link LogQuery} for the order rules).
     */
    public List<LogEntry> query(LogQuery q) {
        return read(LogListQuery.of(q, schema.value()));
    }

    /** The filter's lines with ids in (afterId, throughId], oldest first, at most {@code limit}. */
    public List<LogEntry> queryRange(LogQuery filter, long afterId, long throughId, int limit) {
        return read(LogListQuery.of(filter.after(afterId).withLimit(limit), throughId, schema.value()));
    }

    /** The newest line's id, or 0. */
    public long latestId() {
        return db.withConnection("read newest log id", conn -> {
            try (PreparedStatement ps = latestId.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * The first missing id in (afterId, throughId] as the ids on either side of it, or null when
     * every id there is present, so a follower can tell a settled range from one with a batch in flight.
     */
    public LogGap firstGap(long afterId, long throughId) {
        return db.withConnection("find a gap in the log ids", conn -> {
            try (PreparedStatement ps = firstGap.prepare(conn, Map.of("after_id", afterId, "through_id", throughId));
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new LogGap(rs.getLong(1), rs.getLong(2)) : null;
            }
        });
    }

    /**
     * Whether another session may be writing log lines now. When not, a hole in the ids found by a
     * later {@link #firstGap} will never fill.
     */
    public boolean writeInFlight() {
        return db.withConnection("check for log writes in flight", conn -> {
            try (PreparedStatement ps = writeInFlight.prepare(conn, Map.of("table", schema.value() + ".worker_logs"));
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    private List<LogEntry> read(LogListQuery sql) {
        return db.withConnection("query worker logs", conn -> {
            List<LogEntry> out = new ArrayList<>();
            try (PreparedStatement ps = sql.sql().prepare(conn, sql.values()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long job = rs.getLong("job_id");
                    Long jobId = rs.wasNull() ? null : job;
                    out.add(new LogEntry(rs.getLong("id"), rs.getString("worker_id"), jobId, rs.getString("level"),
                            rs.getString("logger"), rs.getString("message"), rs.getString("fields"),
                            rs.getString("exception"), rs.getTimestamp("created_at").toInstant()));
                }
            }
            return out;
        });
    }

    /** Deletes log lines older than the retention; returns how many. */
    public int pruneOlderThan(Duration retention) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("retention_ms", retention.toMillis());
        p.put("limit", PRUNE_BATCH);
        return db.withConnection("prune worker logs", conn -> {
            int total = 0;
            int n;
            do {
                try (PreparedStatement ps = prune.prepare(conn, p)) {
                    n = ps.executeUpdate();
                }
                total += n;
            } while (n == PRUNE_BATCH);
            return total;
        });
    }
}
