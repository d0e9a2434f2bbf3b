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
}
