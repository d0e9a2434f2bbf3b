package dev.gantry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gantry.config.RetentionPolicy;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/** Deletes finished jobs past their retention, in bounded batches (docs/retention.md). */
public final class RetentionStore {
    private final Db db;
    private final TimeSource time;
    private final String lockName;
    private final NamedSql tryLock;
    private final NamedSql unlock;
    private final NamedSql delete;
    private final NamedSql deleteAndArchive;

    public RetentionStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        this.lockName = schema.value() + ".retention";
        tryLock = NamedSql.parse(RetentionSql.TRY_LOCK, schema.value());
        unlock = NamedSql.parse(RetentionSql.UNLOCK, schema.value());
        delete = NamedSql.parse(RetentionSql.DELETE, schema.value());
        deleteAndArchive = NamedSql.parse(RetentionSql.DELETE_AND_ARCHIVE, schema.value());
    }

    /** Deletes batches on one connection in autocommit (each batch its own transaction). */
    public interface Batches {
        /** Deletes (and archives) at most {@code limit} jobs of {@code rule} that no rule in {@code overriding} claims. */
        int delete(RetentionPolicy.Rule rule, List<RetentionPolicy.Rule> overriding, int limit, boolean archive) throws SQLException;
    }

    /** Runs {@code work} while holding the retention lock; empty when another process holds it. */
    public <T> Optional<T> whileLocked(SqlWork<T> work) {
        return db.withConnection("prune finished jobs", conn -> {
            if (!bool(conn, tryLock)) return Optional.empty();
            try {
                return Optional.of(work.run(batches(conn)));
            } finally {
                bool(conn, unlock);
            }
        });
    }

    /** Work done with the lock held. */
    public interface SqlWork<T> {
        T run(Batches batches) throws SQLException;
    }

    private boolean bool(Connection conn, NamedSql sql) throws SQLException {
        try (PreparedStatement ps = sql.prepare(conn, Map.of("name", lockName)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private Batches batches(Connection conn) {
        return (rule, overriding, limit, archive) -> {
            Map<String, Object> p = new HashMap<>();
            p.put("state", rule.state().dbName());
            p.put("keep_seconds", rule.keep().toSeconds());
            p.put("queue", rule.queue());
            p.put("kind", rule.kind());
            p.put("ex_queues", NamedSql.SqlArray.of("text", overriding.stream().map(RetentionPolicy.Rule::queue).toList()));
            p.put("ex_kinds", NamedSql.SqlArray.of("text", overriding.stream().map(RetentionPolicy.Rule::kind).toList()));
            p.put("limit", limit);
            p.put("now", time.nowForSql());
            try (PreparedStatement ps = (archive ? deleteAndArchive : delete).prepare(conn, p)) {
                return ps.executeUpdate();
            }
        };
    }
}
