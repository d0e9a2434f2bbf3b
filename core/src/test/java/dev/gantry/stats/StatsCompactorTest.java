package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.backend.CachedStatsReader;
import dev.gantry.maintenance.StatsCompactor;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.store.StatsStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class StatsCompactorTest {
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T12:30:00Z");
    private final TestDatabase db;
    private StatsStore store;

    StatsCompactorTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.execute("TRUNCATE gantry.job_stats, gantry.job_stats_hourly");
        store = new StatsStore(new Db(db.dataSource()), SchemaName.DEFAULT, time);
    }

    /** Hours that ended two hours ago or earlier (here: before 10:00) move into hourly rows, adding up. */
    @Test
    void compactsMinutesOfOldHoursIntoHourlyRowsWithoutChangingTheWindows() {
        db.execute("""
                INSERT INTO gantry.job_stats (bucket, queue, shard, claimed, wait_ms_sum, wait_ms_max, wait_h2, wait_h3) VALUES
                  ('2025-01-01T09:15:00Z', 'q', 0, 1, 5, 5, 1, 0),
                  ('2025-01-01T09:45:00Z', 'q', 3, 2, 30, 20, 1, 1),
                  ('2025-01-01T09:59:00Z', 'q2', 0, 4, 0, 0, 0, 0),
                  ('2025-01-01T10:05:00Z', 'q', 0, 8, 0, 0, 0, 0)""");
        db.execute("""
                INSERT INTO gantry.job_stats_hourly (bucket, queue, claimed, wait_ms_sum, wait_ms_max, wait_h2)
                VALUES ('2025-01-01T09:00:00Z', 'q', 16, 16, 1, 16)""");
        JobStats before = new CachedStatsReader(store, time).snapshot();
        StatsCompactor compactor = new StatsCompactor(store, Duration.ofDays(7));

        StatsCompactor.Result first = compactor.runOnce();
        StatsCompactor.Result second = compactor.runOnce();

        assertThat(first.compacted()).isEqualTo(3);
        assertThat(second.compacted()).isZero();
        assertThat(db.queryString("""
                SELECT string_agg(queue || ' ' || claimed || ' ' || wait_ms_sum || ' ' || wait_ms_max || ' ' || wait_h2
                                  || ' ' || wait_h3, ', ' ORDER BY queue)
                  FROM gantry.job_stats_hourly WHERE bucket = '2025-01-01T09:00:00Z'"""))
                .isEqualTo("q 19 51 20 18 1, q2 4 0 0 0 0");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_stats")).as("10:05 stays a minute row").isEqualTo(1);
        JobStats after = new CachedStatsReader(store, time).snapshot();
        assertThat(after.windows()).isEqualTo(before.windows());
        assertThat(after.windows().get(3).claimed()).isEqualTo(31);
    }

    /**
     * Each window sums the rows from its start (the minute, or for 24 hours the hour, holding now
     * minus its length) up to now, edges included, per queue; rows before every window or after
     * now count nowhere. Now is 12:30:00.
     */
    @Test
    void eachWindowSumsTheRowsFromItsStartToNow() {
        db.execute("""
                INSERT INTO gantry.job_stats (bucket, queue, shard, claimed) VALUES
                  ('2025-01-01T12:30:00Z', 'q', 0, 1),
                  ('2025-01-01T12:29:00Z', 'q', 1, 2),
                  ('2025-01-01T12:28:00Z', 'q2', 0, 4),
                  ('2025-01-01T12:25:00Z', 'q', 2, 8),
                  ('2025-01-01T12:24:00Z', 'q', 0, 16),
                  ('2025-01-01T11:30:00Z', 'q', 0, 32),
                  ('2025-01-01T11:29:00Z', 'q', 0, 64),
                  ('2025-01-01T12:31:00Z', 'q', 0, 1024)""");
        db.execute("""
                INSERT INTO gantry.job_stats_hourly (bucket, queue, claimed) VALUES
                  ('2024-12-31T12:00:00Z', 'q', 128), ('2024-12-31T11:00:00Z', 'q', 256)""");

        JobStats stats = new CachedStatsReader(store, time).snapshot();

        assertThat(stats.windows()).extracting(WindowStats::claimed).containsExactly(3L, 15L, 63L, 255L);
        assertThat(stats.windows()).extracting(WindowStats::from).extracting(Object::toString).containsExactly(
                "2025-01-01T12:29:00Z", "2025-01-01T12:25:00Z", "2025-01-01T11:30:00Z", "2024-12-31T12:00:00Z");
    }

    @Test
    void deletesRowsOlderThanTheRetentionOnly() {
        db.execute("""
                INSERT INTO gantry.job_stats_hourly (bucket, queue, claimed) VALUES
                  ('2024-12-25T11:00:00Z', 'q', 1), ('2024-12-25T12:00:00Z', 'q', 1), ('2024-12-25T13:00:00Z', 'q', 1)""");
        StatsCompactor compactor = new StatsCompactor(store, Duration.ofDays(7));

        assertThat(compactor.runOnce().pruned()).isEqualTo(2);
        assertThat(compactor.runOnce().pruned()).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_stats_hourly")).isEqualTo(1);
    }
}
