package dev.gantry.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.event.GantryListener;
import dev.gantry.lifecycle.Component;
import dev.gantry.store.Db;
import dev.gantry.client.LogRecord;
import dev.gantry.store.LogStore;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

@ExtendWith(PostgresExtension.class)
class LogShipperTest {
    private LogShipper shipper;
    private LogStore store;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.execute("TRUNCATE gantry.worker_logs");
        store = new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        shipper = new LogShipper(store, "w", 3, Duration.ofHours(1), new Component("log-shipper", SystemTimeSource.INSTANCE, GantryListener.NONE));   // never flushes on its own
    }

    private static LogRecord row(String level, String message) {
        return new LogRecord(null, level, "test", message, null, null, Instant.now());
    }

    @Test
    void whenFullDropsTheLowestLevelsFirstAndCountsThem(TestDatabase db) {
        shipper.offer(row("DEBUG", "d1"));
        shipper.offer(row("INFO", "i1"));
        shipper.offer(row("DEBUG", "d2"));
        shipper.offer(row("ERROR", "e1"));    // evicts d1
        shipper.offer(row("WARN", "w1"));     // evicts d2
        shipper.offer(row("DEBUG", "d3"));    // nothing lower queued: dropped itself

        shipper.flush();

        assertThat(shipper.dropped()).isEqualTo(3);
        assertThat(shipper.highWater()).isEqualTo(3);
        List<String> shipped = List.of(db.queryString(
                "SELECT string_agg(message, ',' ORDER BY id) FROM gantry.worker_logs WHERE logger = 'test'").split(","));
        assertThat(shipped).containsExactly("i1", "e1", "w1");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_logs WHERE message LIKE 'dropped log events%'"))
                .as("the drop itself is logged (through the logging backend, not shipped here)").isZero();
    }

    @Test
    void shipsJobIdFieldsAndExceptions(TestDatabase db) {
        shipper.offer(new LogRecord(42L, "ERROR", "app", "boom", "{\"order\":\"7\"}", "java.lang.IllegalStateException: x",
                Instant.parse("2026-01-01T00:00:00Z")));

        shipper.flush();

        assertThat(db.queryString("SELECT job_id || ' ' || level || ' ' || fields::text || ' ' || exception FROM gantry.worker_logs"))
                .isEqualTo("42 ERROR {\"order\": \"7\"} java.lang.IllegalStateException: x");
    }

    @Test
    void prunesLinesOlderThanTheRetention(TestDatabase db) {
        db.execute("INSERT INTO gantry.worker_logs (worker_id, level, logger, message, created_at) VALUES "
                + "('w', 'INFO', 'x', 'old', now() - interval '2 days'), ('w', 'INFO', 'x', 'new', now())");

        int pruned = store.pruneOlderThan(Duration.ofHours(24));

        assertThat(pruned).isEqualTo(1);
        assertThat(db.queryString("SELECT string_agg(message, ',') FROM gantry.worker_logs")).isEqualTo("new");
    }
}
