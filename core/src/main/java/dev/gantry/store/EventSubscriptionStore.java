package dev.gantry.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import dev.gantry.config.SchemaName;

/**
 * Registers subscribers to job events in {@code gantry.job_event_subscribers}: the jobs triggers
 * announce events only while a registration is live (V007, docs/events.md).
 */
public final class EventSubscriptionStore {
    private final Db db;
    private final NamedSql subscribe;
    private final NamedSql unsubscribe;

    public EventSubscriptionStore(Db db, SchemaName schema) {
        this.db = db;
        subscribe = NamedSql.parse(EventSubscriptionSql.SUBSCRIBE, schema.value());
        unsubscribe = NamedSql.parse(EventSubscriptionSql.UNSUBSCRIBE, schema.value());
    }

    /** Registers or renews {@code subscriber} for {@code ttl}; returns when it expires. */
    public Instant subscribe(String subscriber, Duration ttl) {
        Map<String, Object> p = Map.of("subscriber", subscriber, "ttl_seconds", (int) ttl.toSeconds());
        return db.withConnection("subscribe to job events", conn -> {
            try (PreparedStatement ps = subscribe.prepare(conn, p); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            } catch (SQLException e) {
                throw SqlApiErrors.translate(e, "subscribe to job events");
            }
        });
    }

    /** Ends the registration; false when there was none live. */
    public boolean unsubscribe(String subscriber) {
        return db.withConnection("unsubscribe from job events", conn -> {
            try (PreparedStatement ps = unsubscribe.prepare(conn, Map.of("subscriber", subscriber));
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }
}
