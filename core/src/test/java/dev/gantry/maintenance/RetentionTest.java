package dev.gantry.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.Gantry;
import dev.gantry.config.ConfigException;
import dev.gantry.config.RetentionPolicy;
import dev.gantry.config.SchemaName;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.JobState;
import dev.gantry.store.Db;
import dev.gantry.store.RetentionStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Retention deletes exactly what is past its period, per state, queue and kind, and archives on request. */
@ExtendWith(PostgresExtension.class)
class RetentionTest {
    private final ManualTimeSource time = ManualTimeSource.at("2026-12-06T12:00:00Z");
    private final TestDatabase db;

    RetentionTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.reset();
        db.execute("TRUNCATE gantry.jobs_archive");
    }

    /**
     * One job per (state, queue, kind, age in hours) of a grid: finished 1, 2, 25, 200 and 800
     * hours before now; running and waiting jobs too, old as well.
     */
    private void grid() {
        db.execute("""
                INSERT INTO gantry.jobs (queue, kind, state, run_at, created_at, finished_at, attempt)
                SELECT q, k, s, now(), '2026-12-06T12:00:00Z'::timestamptz - make_interval(hours => h + 1),
                       CASE WHEN s IN ('completed', 'cancelled', 'discarded')
                            THEN '2026-12-06T12:00:00Z'::timestamptz - make_interval(hours => h) END,
                       CASE WHEN s = 'available' THEN 0 ELSE 1 END
                  FROM unnest(ARRAY['default', 'audit']) q, unnest(ARRAY['a.kind', 'report.build']) k,
                       unnest(ARRAY['completed', 'cancelled', 'discarded', 'available', 'retryable']) s,
                       unnest(ARRAY[1, 2, 25, 200, 800]) h""");
    }

    private JobPruner pruner(String policy, boolean archive, RecordingListener listener) {
        return new JobPruner(new RetentionStore(new Db(db.dataSource()), SchemaName.DEFAULT, time),
                RetentionPolicy.parse("GANTRY_RETENTION", policy), archive, listener, time);
    }

    /** The jobs left, as "state queue kind hours" lines. */
    private List<String> left() {
        String s = db.queryString("""
                SELECT string_agg(state || ' ' || queue || ' ' || kind || ' '
                                  || extract(epoch FROM '2026-12-06T12:00:00Z'::timestamptz - created_at)::int / 3600 - 1, ',' ORDER BY 1)
                  FROM gantry.jobs""");
        return s == null ? List.of() : List.of(s.split(","));
    }

    @Test
    void deletesExactlyWhatIsPastItsPeriodAndNothingElse() {
        grid();
        RecordingListener listener = new RecordingListener();
        Optional<Map<JobState, Long>> deleted = pruner("completed=24h,cancelled=7d,discarded=30d,queue:audit/completed=forever,"
                + "kind:report.build/completed=1h,queue:audit/kind:report.build/discarded=2h", false, listener).runOnce();

        // expected, per job: what the most specific matching rule keeps (a rule of k hours keeps h <= k)
        List<String> expected = List.of(db.queryString("""
                SELECT string_agg(state || ' ' || queue || ' ' || kind || ' ' || h, ',' ORDER BY 1)
                  FROM (SELECT q AS queue, k AS kind, s AS state, h FROM unnest(ARRAY['default', 'audit']) q,
                               unnest(ARRAY['a.kind', 'report.build']) k,
                               unnest(ARRAY['completed', 'cancelled', 'discarded', 'available', 'retryable']) s,
                               unnest(ARRAY[1, 2, 25, 200, 800]) h) g
                 WHERE state IN ('available', 'retryable')
                    OR (state = 'completed' AND kind = 'report.build' AND h <= 1)
                    OR (state = 'completed' AND queue = 'audit' AND kind <> 'report.build')
                    OR (state = 'completed' AND queue <> 'audit' AND kind <> 'report.build' AND h <= 24)
                    OR (state = 'cancelled' AND h <= 168)
                    OR (state = 'discarded' AND queue = 'audit' AND kind = 'report.build' AND h <= 2)
                    OR (state = 'discarded' AND NOT (queue = 'audit' AND kind = 'report.build') AND h <= 720)
                """).split(","));
        assertThat(left()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(deleted).isPresent();
        long total = deleted.get().values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isEqualTo(100 - expected.size());
        assertThat(deleted.get().get(JobState.CANCELLED)).isEqualTo(8);   // 200 and 800 hours, 4 queue/kind pairs
        assertThat(listener.deleted()).isEqualTo(deleted.get().entrySet().stream()
                .filter(e -> e.getValue() > 0).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs_archive")).isZero();
    }

    @Test
    void theArchiveHoldsACopyOfEachDeletedJob() {
        grid();
        long before = db.countJobs();
        pruner("completed=24h,cancelled=7d,discarded=30d", true, new RecordingListener()).runOnce();
        long deleted = before - db.countJobs();
        assertThat(deleted).isPositive();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs_archive")).isEqualTo(deleted);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs_archive a JOIN gantry.jobs j USING (id)")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs_archive WHERE archived_at = '2026-12-06T12:00:00Z'"))
                .isEqualTo(deleted);
        // the archive has every column of the jobs table, and archived_at
        String columns = "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
                + " WHERE table_schema = 'gantry' AND table_name = ";
        assertThat(db.queryString(columns + "'jobs_archive' AND column_name <> 'archived_at'")).isEqualTo(db.queryString(columns + "'jobs'"));
        // and the copies are whole: every column equal to the row as it was
        assertThat(db.queryLong("SELECT count(*) FROM gantry.jobs_archive WHERE kind IS NULL OR queue IS NULL OR state IS NULL"
                + " OR finished_at IS NULL OR created_at IS NULL")).isZero();
    }

    @Test
    void batchesGoOnUntilNothingIsLeftAndAJobAWorkerHoldsIsSkipped() throws Exception {
        db.execute("""
                INSERT INTO gantry.jobs (queue, kind, state, run_at, finished_at, attempt)
                SELECT 'default', 'a.kind', 'completed', now(), '2026-12-01T00:00:00Z', 1 FROM generate_series(1, 2500)""");
        try (Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT id FROM gantry.jobs ORDER BY id LIMIT 1 FOR UPDATE");
            }
            Map<JobState, Long> deleted = pruner("completed=1h", false, new RecordingListener()).runOnce().orElseThrow();
            assertThat(deleted.get(JobState.COMPLETED)).isEqualTo(2499);
            holder.rollback();
        }
        assertThat(db.countJobs()).isEqualTo(1);
    }

    @Test
    void oneWorkerPrunesAtATime() throws Exception {
        grid();
        try (Connection other = db.dataSource().getConnection(); Statement st = other.createStatement()) {
            st.execute("SELECT pg_advisory_lock(hashtext('gantry.retention'))");
            assertThat(pruner("completed=1h", false, new RecordingListener()).runOnce()).isEmpty();
            st.execute("SELECT pg_advisory_unlock(hashtext('gantry.retention'))");
        }
        assertThat(pruner("completed=1h", false, new RecordingListener()).runOnce()).isPresent();
    }

    /** A started worker prunes on its own, every retention interval. */
    @Test
    void aRunningWorkerPrunesOnItsInterval() {
        db.execute("""
                INSERT INTO gantry.jobs (queue, kind, state, run_at, finished_at, attempt)
                VALUES ('default', 'a.kind', 'completed', now(), now() - interval '3 hours', 1),
                       ('default', 'a.kind', 'completed', now(), now() - interval '10 minutes', 1)""");
        RecordingListener listener = new RecordingListener();
        Gantry worker = db.gantry(WorkerConfig.builder().queue("retention-test", 1)
                .retention(RetentionPolicy.parse("GANTRY_RETENTION", "completed=1h")).retentionInterval(Duration.ofSeconds(1))
                .build(), SystemTimeSource.INSTANCE, listener);
        worker.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> db.countJobs() == 1);
        // the listener hears of it just after the delete commits
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listener.deleted()).containsEntry(JobState.COMPLETED, 1L));
    }

    @Test
    void theSettingIsReadWithDefaultsForStatesNotNamed() {
        RetentionPolicy p = RetentionPolicy.parse("GANTRY_RETENTION", "completed=2h, queue:audit/discarded=forever");
        assertThat(p).hasToString("completed=2h,queue:audit/discarded=forever,cancelled=7d,discarded=30d");
        assertThat(RetentionPolicy.DEFAULT).hasToString("completed=1d,cancelled=7d,discarded=30d");
        assertThat(RetentionPolicy.parse("x", "completed=forever,cancelled=forever,discarded=forever").rules())
                .allMatch(r -> r.keep() == null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "completed", "completed=", "completed=24", "completed=24w", "running=1h", "completed=0h",
            "completed=1h,completed=2h", "queue:/completed=1h", "queue:bad name/completed=1h", "kind:a/queue:b/completed=1h",
            "completed=1h;discarded=2h"})
    void badSettingsAreRefusedNamingTheVariable(String text) {
        assertThatThrownBy(() -> RetentionPolicy.parse("GANTRY_RETENTION", text)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("GANTRY_RETENTION: ");
    }
}
