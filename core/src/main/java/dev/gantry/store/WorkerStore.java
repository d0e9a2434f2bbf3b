package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.client.Worker;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/** Reads and writes {@code gantry.workers}. */
public final class WorkerStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql register;
    private final NamedSql heartbeat;
    private final NamedSql pruneGone;
    private final NamedSql pruneCommands;
    private final NamedSql selectAll;

    public WorkerStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        register = NamedSql.parse(WorkerSql.REGISTER, schema.value());
        heartbeat = NamedSql.parse(WorkerSql.HEARTBEAT, schema.value());
        pruneGone = NamedSql.parse(WorkerSql.PRUNE_GONE, schema.value());
        pruneCommands = NamedSql.parse(WorkerSql.PRUNE_COMMANDS, schema.value());
        selectAll = NamedSql.parse(WorkerSql.SELECT_ALL, schema.value());
    }

    /** What a worker reports about itself at registration and in each heartbeat. */
    public record Beat(String id, String status, String queuesJson, long jobsProcessed, long jobsFailed,
                       int runningJobs, String configJson, String error) {
    }

    public void register(Beat b, String host, long pid, String version, Duration heartbeatInterval,
                         Duration deadTimeout) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", b.id());
        p.put("host", host);
        p.put("pid", pid);
        p.put("version", version);
        p.put("queues", b.queuesJson());
        p.put("status", b.status());
        p.put("now", time.nowForSql());
        p.put("heartbeat_interval_ms", (int) heartbeatInterval.toMillis());
        p.put("dead_timeout_ms", (int) deadTimeout.toMillis());
        p.put("config", b.configJson());
        db.withConnection("register worker " + b.id(), conn -> {
            try (PreparedStatement ps = register.prepare(conn, p)) {
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Writes a heartbeat; false when the row is gone (pruned) and the worker must register again. */
    public boolean heartbeat(Beat b) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", b.id());
        p.put("status", b.status());
        p.put("queues", b.queuesJson());
        p.put("jobs_processed", b.jobsProcessed());
        p.put("jobs_failed", b.jobsFailed());
        p.put("running_jobs", b.runningJobs());
        p.put("config", b.configJson());
        p.put("error", b.error());
        p.put("now", time.nowForSql());
        return db.withConnection("heartbeat of worker " + b.id(), conn -> {
            try (PreparedStatement ps = heartbeat.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /** Deletes workers silent for longer than {@code retention} and acknowledged commands older than it. */
    public int pruneGone(Duration retention) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("retention_ms", retention.toMillis());
        return db.withConnection("prune gone workers", conn -> {
            try (PreparedStatement ps = pruneCommands.prepare(conn, p)) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = pruneGone.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    public List<Worker> all() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return db.withConnection("list workers", conn -> {
            List<Worker> out = new ArrayList<>();
            try (PreparedStatement ps = selectAll.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Worker(rs.getString("id"), rs.getString("host"), rs.getLong("pid"),
                            rs.getString("version"), rs.getString("queues"), rs.getString("status"),
                            rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("last_heartbeat_at").toInstant(),
                            rs.getInt("heartbeat_interval_ms"), rs.getInt("dead_timeout_ms"),
                            rs.getLong("jobs_processed"), rs.getLong("jobs_failed"), rs.getInt("running_jobs"),
                            rs.getString("config"), rs.getString("error"), rs.getBoolean("alive")));
                }
            }
            return out;
        });
    }
}
