package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.gantry.client.QueueSummary;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/**
 * Reads and writes {@code gantry.queues}: pauses that hold for every worker, and the list of
 * known queues. Pause and resume go through the SQL API functions, which validate their input
 * (bad input throws InvalidInputException and writes nothing) and wake the workers.
 */
public final class QueueStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql pause;
    private final NamedSql resume;
    private final NamedSql paused;
    private final NamedSql list;
    private final NamedSql get;

    public QueueStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        pause = NamedSql.parse(QueueSql.PAUSE, schema.value());
        resume = NamedSql.parse(QueueSql.RESUME, schema.value());
        paused = NamedSql.parse(QueueSql.PAUSED, schema.value());
        list = NamedSql.parse(QueueSql.LIST, schema.value());
        get = NamedSql.parse(QueueSql.GET, schema.value());
    }

    /** Pauses the queue for every worker; false when it already was paused. {@code by} may be null. */
    public boolean pause(String queue, String by) {
        Map<String, Object> p = new HashMap<>();
        p.put("queue", queue);
        p.put("by", by);
        return change(pause, p, "pause queue");
    }

    /** Resumes the queue; false when it was not paused. */
    public boolean resume(String queue) {
        Map<String, Object> p = new HashMap<>();
        p.put("queue", queue);
        return change(resume, p, "resume queue");
    }

    private boolean change(NamedSql sql, Map<String, Object> p, String operation) {
        return db.withConnection(operation, conn -> {
            try (PreparedStatement ps = sql.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            } catch (SQLException e) {
                throw SqlApiErrors.translate(e, operation);
            }
        });
    }

    /** The names of the queues paused for every worker. */
    public Set<String> paused() {
        return db.withConnection("read paused queues", conn -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = paused.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    /** Every known queue by name: with unfinished jobs, served by a live worker, or ever paused. */
    public List<QueueSummary> list() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return read(list, p, "list queues");
    }

    /** One queue, whether or not anything uses it yet. */
    public QueueSummary get(String queue) {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        p.put("queue", queue);
        return read(get, p, "read queue " + queue).getFirst();
    }

    /** Folds the rows (one per queue and serving worker, ordered by queue) into summaries. */
    private List<QueueSummary> read(NamedSql sql, Map<String, Object> p, String operation) {
        return db.withConnection(operation, conn -> {
            List<QueueSummary> out = new ArrayList<>();
            try (PreparedStatement ps = sql.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                String name = null;
                Instant pausedAt = null;
                String pausedBy = null;
                List<QueueSummary.Worker> workers = new ArrayList<>();
                while (rs.next()) {
                    String queue = rs.getString("queue");
                    if (!queue.equals(name)) {
                        if (name != null) out.add(new QueueSummary(name, pausedAt != null, pausedAt, pausedBy, workers));
                        name = queue;
                        OffsetDateTime at = rs.getObject("paused_at", OffsetDateTime.class);
                        pausedAt = at == null ? null : at.toInstant();
                        pausedBy = rs.getString("paused_by");
                        workers = new ArrayList<>();
                    }
                    String workerId = rs.getString("worker_id");
                    if (workerId != null) {
                        workers.add(new QueueSummary.Worker(workerId, rs.getInt("concurrency"),
                                rs.getBoolean("paused_locally"), rs.getInt("running")));
                    }
                }
                if (name != null) out.add(new QueueSummary(name, pausedAt != null, pausedAt, pausedBy, workers));
            }
            return out;
        });
    }
}
