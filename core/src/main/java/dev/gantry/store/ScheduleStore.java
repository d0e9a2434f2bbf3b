package dev.gantry.store;

import java.sql.Connection;
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

import dev.gantry.client.Schedule;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/**
 * Reads and writes {@code gantry.schedules}. Changes go through the SQL API functions, which
 * validate (bad input throws InvalidInputException and writes nothing); the scheduler locks due
 * rows and moves them on in its own transaction ({@link #lockDue}, {@link #advance}).
 */
public final class ScheduleStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql set;
    private final NamedSql pause;
    private final NamedSql resume;
    private final NamedSql delete;
    private final NamedSql get;
    private final NamedSql list;
    private final NamedSql lockDue;
    private final NamedSql advance;
    private final NamedSql nextDue;

    public ScheduleStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        set = NamedSql.parse(ScheduleSql.SET, schema.value());
        pause = NamedSql.parse(ScheduleSql.PAUSE, schema.value());
        resume = NamedSql.parse(ScheduleSql.RESUME, schema.value());
        delete = NamedSql.parse(ScheduleSql.DELETE, schema.value());
        get = NamedSql.parse(ScheduleSql.GET, schema.value());
        list = NamedSql.parse(ScheduleSql.LIST, schema.value());
        lockDue = NamedSql.parse(ScheduleSql.LOCK_DUE, schema.value());
        advance = NamedSql.parse(ScheduleSql.ADVANCE, schema.value());
        nextDue = NamedSql.parse(ScheduleSql.NEXT_DUE, schema.value());
    }

    public Db db() {
        return db;
    }

    /** A schedule to write, its args already JSON text. */
    public record NewSchedule(String name, String spec, String kind, String args, String queue, String timezone,
                              int priority, Integer maxAttempts, Integer timeoutSeconds, List<String> tags,
                              int catchUp, Boolean paused) {
    }

    /** A stored schedule and when its spec was last set (its first tick is the first after that). */
    public record Row(Schedule schedule, Instant specSetAt) {
    }

    /** Creates or replaces it; true when created. */
    public boolean set(NewSchedule s) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", s.name());
        p.put("spec", s.spec());
        p.put("kind", s.kind());
        p.put("args", s.args());
        p.put("queue", s.queue());
        p.put("timezone", s.timezone());
        p.put("priority", s.priority());
        p.put("max_attempts", s.maxAttempts());
        p.put("tags", NamedSql.SqlArray.of("text", s.tags()));
        p.put("catch_up", s.catchUp());
        p.put("paused", s.paused());
        p.put("timeout_seconds", s.timeoutSeconds());
        p.put("now", time.nowForSql());
        return call(set, p, "set schedule " + s.name());
    }

    /** Pauses it; false when it already was paused. */
    public boolean pause(String name) {
        return call(pause, nameAndNow(name), "pause schedule " + name);
    }

    /** Resumes it; false when it was not paused. */
    public boolean resume(String name) {
        return call(resume, nameAndNow(name), "resume schedule " + name);
    }

    /** Deletes it; false when there was none. */
    public boolean delete(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        return call(delete, p, "delete schedule " + name);
    }

    private Map<String, Object> nameAndNow(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("now", time.nowForSql());
        return p;
    }

    private boolean call(NamedSql sql, Map<String, Object> p, String operation) {
        return db.withConnection(operation, conn -> {
            try (PreparedStatement ps = sql.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            } catch (SQLException e) {
                throw SqlApiErrors.translate(e, operation);
            }
        });
    }

    public Optional<Row> get(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        return db.withConnection("read schedule " + name, conn -> rows(conn, get, p)).stream().findFirst();
    }

    public List<Row> list() {
        return db.withConnection("list schedules", conn -> rows(conn, list, Map.of()));
    }

    /** The due schedules this transaction now holds, and the database's time of the lock. */
    public record Due(List<Row> rows, Instant now) {
    }

    /** Locks up to {@code limit} due schedules on {@code conn}, which must be in a transaction. */
    public Due lockDue(Connection conn, int limit) throws SQLException {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("limit", limit);
        List<Row> rows = new ArrayList<>();
        Instant now = time.now();
        try (PreparedStatement ps = lockDue.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
                now = Rows.instant(rs, "db_now");
            }
        }
        return new Due(rows, now);
    }

    /** How one schedule moves on; {@code never}: its spec has no tick left, so it is paused. */
    public record Advance(String name, Instant nextRunAt, boolean never, Instant lastRunAt, Long lastJobId,
                          String lastError) {
    }

    public void advance(Connection conn, List<Advance> advances) throws SQLException {
        if (advances.isEmpty()) return;
        int n = advances.size();
        Object[] names = new Object[n];
        Object[] next = new Object[n];
        Object[] never = new Object[n];
        Object[] last = new Object[n];
        Object[] jobs = new Object[n];
        Object[] errors = new Object[n];
        for (int i = 0; i < n; i++) {
            Advance a = advances.get(i);
            names[i] = a.name();
            next[i] = a.nextRunAt() == null ? null : java.sql.Timestamp.from(a.nextRunAt());
            never[i] = a.never();
            last[i] = a.lastRunAt() == null ? null : java.sql.Timestamp.from(a.lastRunAt());
            jobs[i] = a.lastJobId();
            errors[i] = a.lastError();
        }
        Map<String, Object> p = new HashMap<>();
        p.put("names", new NamedSql.SqlArray("text", names));
        p.put("next_run_at", new NamedSql.SqlArray("timestamptz", next));
        p.put("never", new NamedSql.SqlArray("boolean", never));
        p.put("last_run_at", new NamedSql.SqlArray("timestamptz", last));
        p.put("last_job_id", new NamedSql.SqlArray("bigint", jobs));
        p.put("last_error", new NamedSql.SqlArray("text", errors));
        try (PreparedStatement ps = advance.prepare(conn, p)) {
            ps.executeUpdate();
        }
    }

    /** The earliest next tick of an unpaused schedule, if any is stored. */
    public Optional<Instant> nextDue() {
        return db.withConnection("read the next schedule tick", conn -> {
            try (PreparedStatement ps = nextDue.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.ofNullable(Rows.instant(rs, "min"));
            }
        });
    }

    private static List<Row> rows(Connection conn, NamedSql sql, Map<String, Object> p) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = sql.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    private static Row row(ResultSet rs) throws SQLException {
        Integer timeout = (Integer) rs.getObject("timeout_seconds");
        Long lastJob = (Long) rs.getObject("last_job_id");
        Integer maxAttempts = (Integer) rs.getObject("max_attempts");
        List<String> tagList = Rows.tags(rs.getArray("tags"));
        Schedule s = new Schedule(rs.getString("name"), rs.getString("spec"), rs.getString("timezone"),
                rs.getString("kind"), rs.getString("args"), rs.getString("queue"), rs.getInt("priority"), maxAttempts,
                timeout == null ? null : Duration.ofSeconds(timeout), tagList, rs.getInt("catch_up"),
                rs.getBoolean("paused"), Rows.instant(rs, "next_run_at"), Rows.instant(rs, "last_run_at"), lastJob,
                rs.getString("last_error"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
        return new Row(s, Rows.instant(rs, "spec_set_at"));
    }
}
