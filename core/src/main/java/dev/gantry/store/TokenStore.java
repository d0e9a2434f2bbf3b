package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gantry.client.ApiToken;
import dev.gantry.config.SchemaName;
import dev.gantry.error.InvalidInputException;
import dev.gantry.time.TimeSource;

/**
 * Reads and writes {@code gantry.api_tokens}. It sees only digests: making tokens and hashing
 * them is the caller's (the server's auth package).
 */
public final class TokenStore {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String CHECK_VIOLATION = "23514";

    private final Db db;
    private final TimeSource time;
    private final NamedSql insert;
    private final NamedSql selectActive;
    private final NamedSql selectAll;
    private final NamedSql selectById;
    private final NamedSql revoke;
    private final NamedSql revokeOtherByName;
    private final NamedSql insertByNameIfAbsent;
    private final NamedSql countActiveAdmins;
    private final NamedSql touch;

    public TokenStore(Db db, SchemaName schema, TimeSource time) {
        this.db = db;
        this.time = time;
        insert = NamedSql.parse(TokenSql.INSERT, schema.value());
        selectActive = NamedSql.parse(TokenSql.SELECT_ACTIVE_BY_SHA256, schema.value());
        selectAll = NamedSql.parse(TokenSql.SELECT_ALL, schema.value());
        selectById = NamedSql.parse(TokenSql.SELECT_BY_ID, schema.value());
        revoke = NamedSql.parse(TokenSql.REVOKE, schema.value());
        revokeOtherByName = NamedSql.parse(TokenSql.REVOKE_OTHER_BY_NAME, schema.value());
        insertByNameIfAbsent = NamedSql.parse(TokenSql.INSERT_BY_NAME_IF_ABSENT, schema.value());
        countActiveAdmins = NamedSql.parse(TokenSql.COUNT_ACTIVE_ADMINS, schema.value());
        touch = NamedSql.parse(TokenSql.TOUCH, schema.value());
    }

    private Map<String, Object> tokenParams(String name, String role, byte[] sha256, String prefix, String createdBy) {
        Map<String, Object> p = new HashMap<>();
        p.put("name", name);
        p.put("role", role);
        p.put("sha256", sha256);
        p.put("prefix", prefix);
        p.put("created_by", createdBy);
        p.put("now", time.nowForSql());
        return p;
    }

    /** Stores a new token; a name already held by a live token or a bad name or role is rejected. */
    public ApiToken create(String name, String role, byte[] sha256, String prefix, String createdBy, Instant expiresAt) {
        Map<String, Object> p = tokenParams(name, role, sha256, prefix, createdBy);
        p.put("expires_at", expiresAt);
        return db.withConnection("create API token", conn -> {
            try (PreparedStatement ps = insert.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return token(rs);
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new InvalidInputException("name", "a live token named \"" + name + "\" exists; revoke it first");
                }
                if (CHECK_VIOLATION.equals(e.getSQLState())) {
                    throw new InvalidInputException(e.getMessage().contains("role") ? "role" : "name",
                            e.getMessage().contains("role") ? "must be viewer, operator or admin"
                                    : "must be 1-100 letters, digits or _.:@- and not start with punctuation");
                }
                throw e;
            }
        });
    }

    /** The live token with this digest, if any. */
    public Optional<ApiToken> findActive(byte[] sha256) {
        Map<String, Object> p = new HashMap<>();
        p.put("sha256", sha256);
        p.put("now", time.nowForSql());
        return db.withConnection("look up API token", conn -> {
            try (PreparedStatement ps = selectActive.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
        });
    }

    public List<ApiToken> list() {
        return db.withConnection("list API tokens", conn -> {
            try (PreparedStatement ps = selectAll.prepare(conn, Map.of()); ResultSet rs = ps.executeQuery()) {
                List<ApiToken> out = new ArrayList<>();
                while (rs.next()) out.add(token(rs));
                return out;
            }
        });
    }

    public Optional<ApiToken> get(long id) {
        return db.withConnection("read API token", conn -> {
            try (PreparedStatement ps = selectById.prepare(conn, Map.of("id", id)); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
        });
    }

    /** Revokes the live token with this id (if {@code idOrName} is a number) or name; empty when none was live. */
    public Optional<ApiToken> revoke(String idOrName) {
        Map<String, Object> p = new HashMap<>();
        Long id = idOrName != null && idOrName.matches("\\d{1,18}") ? Long.valueOf(idOrName) : null;
        p.put("id", id);
        p.put("name", id == null ? idOrName : null);
        p.put("now", time.nowForSql());
        return db.withConnection("revoke API token", conn -> {
            try (PreparedStatement ps = revoke.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(token(rs)) : Optional.empty();
            }
        });
    }

    /**
     * Makes the live token named {@code name} the one with this digest and role, revoking a
     * different one of that name; true when it wrote a new row.
     */
    public boolean replaceByName(String name, String role, byte[] sha256, String prefix, String createdBy) {
        Map<String, Object> p = tokenParams(name, role, sha256, prefix, createdBy);
        return db.inTransaction("store bootstrap API token", conn -> {
            try (PreparedStatement ps = revokeOtherByName.prepare(conn, p)) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = insertByNameIfAbsent.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    public long countActiveAdmins() {
        Map<String, Object> p = new HashMap<>();
        p.put("now", time.nowForSql());
        return db.withConnection("count admin tokens", conn -> {
            try (PreparedStatement ps = countActiveAdmins.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Records that a token was used now. */
    public void touch(long id) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("now", time.nowForSql());
        db.withConnection("record API token use", conn -> {
            try (PreparedStatement ps = touch.prepare(conn, p)) {
                return ps.executeUpdate();
            }
        });
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getString("name"), rs.getString("role"), rs.getString("prefix"),
                instant(rs.getTimestamp("created_at")), rs.getString("created_by"), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
