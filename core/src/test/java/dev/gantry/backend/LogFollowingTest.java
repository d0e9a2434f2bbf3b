package dev.gantry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogQuery;
import dev.gantry.client.LogRecord;
import dev.gantry.client.Subscription;
import dev.gantry.config.SchemaName;
import dev.gantry.store.Db;
import dev.gantry.store.LogStore;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/**
 * A log follower reads forward: a filter that matches nothing still moves its position to the
 * newest line each round, so it never reads those lines again, and the next matching line arrives.
 */
@ExtendWith(PostgresExtension.class)
class LogFollowingTest {

    @Test
    void aFilterThatMatchesNothingReadsEachLineOnceAndStillDeliversTheNextMatch(TestDatabase db) {
        db.execute("TRUNCATE gantry.worker_logs");
        LogStore store = new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        List<LogRecord> noise = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) noise.add(new LogRecord(null, "INFO", "app", "noise " + i, null, null, Instant.now()));
        store.insertMany("chatty", noise);
        List<LogEntry> seen = new CopyOnWriteArrayList<>();
        try (Gantry gantry = Gantry.builder().dataSource(db.dataSource()).build();
             Subscription s = gantry.logs().follow(LogQuery.latest().withWorker("quiet"), 0, seen::addAll)) {
            LogFollowing following = (LogFollowing) s;
            long newest = store.latestId();

            await().atMost(Duration.ofSeconds(10)).until(() -> following.position() == newest);

            store.insertMany("quiet", List.of(new LogRecord(null, "WARN", "app", "the one", null, null, Instant.now())));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            assertThat(seen.getFirst().message()).isEqualTo("the one");
            assertThat(following.position()).isEqualTo(store.latestId());
        }
    }

    /**
     * Two shippers commit out of id order: the line with the lower id becomes visible last. The
     * follower holds back the later line until the earlier one commits, then delivers both in id
     * order, so a client resuming after the last id it got misses nothing. A batch that rolls back
     * leaves a hole that the follower passes as soon as no write is in flight.
     */
    @Test
    void aBatchCommittedOutOfIdOrderIsDeliveredInOrderAndARolledBackOneIsPassed(TestDatabase db) throws Exception {
        db.execute("TRUNCATE gantry.worker_logs");
        LogStore store = new LogStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        store.insertMany("w0", List.of(line("before")));
        List<LogEntry> seen = new CopyOnWriteArrayList<>();
        try (Gantry gantry = Gantry.builder().dataSource(db.dataSource()).build();
             Subscription s = gantry.logs().follow(LogQuery.latest(), store.latestId(), seen::addAll);
             java.sql.Connection late = db.dataSource().getConnection()) {
            late.setAutoCommit(false);
            insertRaw(late, "late");
            store.insertMany("w2", List.of(line("early")));
            Thread.sleep(LogFollowing.IDLE_WAKE.toMillis() * 2);
            assertThat(seen).as("nothing passes a hole while its batch is in flight").isEmpty();

            late.commit();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(seen).extracting(LogEntry::message).containsExactly("late", "early");

            insertRaw(late, "rolled back");
            late.rollback();
            store.insertMany("w2", List.of(line("after the hole")));
            await().atMost(LogFollowing.HOLE_PATIENCE.minusSeconds(5)).until(() -> seen.size() == 3);
            assertThat(seen.getLast().message()).isEqualTo("after the hole");
        }
    }

    private static LogRecord line(String message) {
        return new LogRecord(null, "INFO", "app", message, null, null, Instant.now());
    }

    private static void insertRaw(java.sql.Connection c, String message) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("INSERT INTO gantry.worker_logs (worker_id, level, logger, message, created_at) "
                + "VALUES ('w1', 'INFO', 'app', ?, now())")) {
            ps.setString(1, message);
            ps.executeUpdate();
        }
    }
}
