package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.client.CommandDelivery;
import dev.gantry.config.SchemaName;
import dev.gantry.time.TimeSource;

/** Reads and writes {@code gantry.worker_commands}. */
public final class CommandStore {
    private final Db db;
    private final TimeSource time;
    private final NamedSql send;
    private final NamedSql selectPending;
    private final NamedSql ack;
    private final NamedSql expire;
    private final NamedSql selectById;
    private final NamedSql selectChanged;

    public CommandStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        send = NamedSql.parse(CommandSql.SEND, schema.value());
        selectPending = NamedSql.parse(CommandSql.SELECT_PENDING, schema.value());
        ack = NamedSql.parse(CommandSql.ACK, schema.value());
        expire = NamedSql.parse(CommandSql.EXPIRE, schema.value());
        selectById = NamedSql.parse(CommandSql.SELECT_BY_ID, schema.value());
        selectChanged = NamedSql.parse(CommandSql.SELECT_CHANGED, schema.value());
    }

    /** Sends a command to a worker id or "*"; bad input throws InvalidInputException and writes nothing. */
    public long send(String target, String command, String payloadJson) {
        Map<String, Object> p = new HashMap<>();
        p.put("target", target);
        p.put("command", command);
        p.put("payload", payloadJson);
        return db.withConnection("send command " + command, conn -> {
            try (PreparedStatement ps = send.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw SqlApiErrors.translate(e, "send command " + command);
            }
        });
    }


    public List<CommandDelivery> pending(String workerId) {
        return db.withConnection("read pending commands", conn -> {
            try (PreparedStatement ps = selectPending.prepare(conn, Map.of("worker_id", workerId));
                 ResultSet rs = ps.executeQuery()) {
                List<CommandDelivery> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new CommandDelivery(rs.getLong("id"), workerId, null, rs.getString("command"),
                            rs.getString("payload"), "pending", null, rs.getTimestamp("created_at").toInstant(), null));
                }
                return out;
            }
        });
    }

    /** Acknowledges a command as processed (error null) or failed; false when it was no longer pending. */
    public boolean ack(long id, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("status", error == null ? "processed" : "failed");
        p.put("error", error);
        p.put("now", time.nowForSql());
        return db.withConnection("acknowledge command " + id, conn -> {
            try (PreparedStatement ps = ack.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    public int expire() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return db.withConnection("expire commands", conn -> {
            try (PreparedStatement ps = expire.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** A command and, for a broadcast, every worker's copy. */
    public List<CommandDelivery> get(long id) {
        return db.withConnection("read command " + id, conn -> {
            try (PreparedStatement ps = selectById.prepare(conn, Map.of("id", id)); ResultSet rs = ps.executeQuery()) {
                return commands(rs);
            }
        });
    }

    /** Commands written after {@code afterId}, and the given ones: how a watcher sees new commands and their acks. */
    public List<CommandDelivery> changedSince(long afterId, java.util.Collection<Long> watched) {
        Map<String, Object> p = new HashMap<>();
        p.put("after_id", afterId);
        p.put("ids", NamedSql.SqlArray.of("bigint", watched));
        return db.withConnection("read changed commands", conn -> {
            try (PreparedStatement ps = selectChanged.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return commands(rs);
            }
        });
    }

    private static List<CommandDelivery> commands(ResultSet rs) throws SQLException {
        List<CommandDelivery> out = new ArrayList<>();
        while (rs.next()) {
            long b = rs.getLong("broadcast_id");
            Long broadcast = rs.wasNull() ? null : b;
            Timestamp processed = rs.getTimestamp("processed_at");
            out.add(new CommandDelivery(rs.getLong("id"), rs.getString("worker_id"), broadcast,
                    rs.getString("command"), rs.getString("payload"), rs.getString("status"),
                    rs.getString("error"), rs.getTimestamp("created_at").toInstant(),
                    processed == null ? null : processed.toInstant()));
        }
        return out;
    }
}
