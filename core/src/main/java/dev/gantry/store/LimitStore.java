package dev.gantry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gantry.client.Limit;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/**
 * Reads and writes {@code gantry.limits}. Changes go through the SQL API functions, which
 * validate (bad input throws InvalidInputException and writes nothing) and let waiting jobs go.
 */
public final class LimitStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql set;
    private final NamedSql delete;
    private final NamedSql get;
    private final NamedSql list;

    public LimitStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        set = NamedSql.parse(LimitSql.SET, schema.value());
        delete = NamedSql.parse(LimitSql.DELETE, schema.value());
        get = NamedSql.parse(LimitSql.GET, schema.value());
        list = NamedSql.parse(LimitSql.LIST, schema.value());
    }

    /** Creates or replaces it; true when created. A period in whole milliseconds. */
    public boolean set(String key, Integer maxRunning, Integer maxPerPeriod, Long periodMs) {
        Map<String, Object> p = new HashMap<>();
        p.put("key", key);
        p.put("max_running", maxRunning);
        p.put("max_per_period", maxPerPeriod);
        p.put("period_ms", periodMs);
        return call(set, p, "set limit " + key);
    }

    /** Deletes it; false when there was none. */
    public boolean delete(String key) {
        Map<String, Object> p = new HashMap<>();
        p.put("key", key);
        return call(delete, p, "delete limit " + key);
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

    public Optional<Limit> get(String key) {
        Map<String, Object> p = new HashMap<>();
        p.put("key", key);
        p.put("now", time.nowForSql());
        return db.withConnection("read limit " + key, conn -> rows(conn, get, p)).stream().findFirst();
    }

    public List<Limit> list() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return db.withConnection("list limits", conn -> rows(conn, list, p));
    }

    private static List<Limit> rows(Connection conn, NamedSql sql, Map<String, Object> p) throws SQLException {
        List<Limit> out = new ArrayList<>();
        try (PreparedStatement ps = sql.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long periodMs = (Long) rs.getObject("period_ms");
                out.add(new Limit(rs.getString("limit_key"), (Integer) rs.getObject("max_running"),
                        (Integer) rs.getObject("max_per_period"), periodMs == null ? null : Duration.ofMillis(periodMs),
                        rs.getLong("running"), rs.getLong("waiting"), rs.getLong("started"),
                        Rows.instant(rs, "wake_at"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at")));
            }
        }
        return out;
    }
}
