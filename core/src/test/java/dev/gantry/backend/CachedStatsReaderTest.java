package dev.gantry.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.stats.StatsReader;
import dev.gantry.stats.MinutePoint;
import dev.gantry.stats.WindowStats;
import dev.gantry.stats.StateCounts;
import dev.gantry.stats.QueueStats;
import dev.gantry.stats.JobStats;
import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.event.GantryListener;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.store.JobCounts;
import dev.gantry.store.StatsStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** StatsReader against a real database, on a manual clock; the rollup rows are written directly. */
@ExtendWith(PostgresExtension.class)
class StatsReaderTest {
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T12:00:30Z");
    private final TestDatabase db;
    private StatsStore store;
    private GantryClient client;

    StatsReaderTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.reset();
        db.execute("TRUNCATE gantry.job_stats");
        store = new StatsStore(new Db(db.dataSource()), SchemaName.DEFAULT, time);
        Gantry gantry = db.gantry(null, time, GantryListener.NONE);
        client = gantry.client();
        client.declareKind("k");
    }

    @Test
    void anEmptyDatabaseGivesZerosAndNoQueues() {
        JobStats stats = new CachedStatsReader(store, time).snapshot();

        assertThat(stats.generatedAt()).isEqualTo(time.now());
        assertThat(stats.countsAsOf()).isEqualTo(time.now());
        assertThat(stats.totals()).isEqualTo(StateCounts.ZERO);
        assertThat(stats.oldestAvailableAgeSeconds()).isNull();
        assertThat(stats.queues()).isEmpty();
        assertThat(stats.windows()).extracting(WindowStats::window).containsExactly("1m", "5m", "1h", "24h");
        assertThat(stats.windows()).allSatisfy(w -> {
            assertThat(List.of(w.claimed(), w.completed(), w.failed(), w.discarded(), w.cancelled())).containsOnly(0L);
            assertThat(w.throughputPerSecond()).isZero();
            assertThat(w.successRate()).isNull();
            assertThat(w.pickupLatencyAvgMs()).isNull();
            assertThat(w.runTimeP95Ms()).isNull();
        });
        assertThat(stats.minutes()).hasSize(60);
        assertThat(stats.minutes().getLast().minute()).isEqualTo(Instant.parse("2025-01-01T12:00:00Z"));
        assertThat(stats.minutes().getFirst().minute()).isEqualTo(Instant.parse("2025-01-01T11:01:00Z"));
    }

    @Test
    void countsEveryStateOfEveryQueueAndTheOldestAvailableJob() {
        client.enqueue("k", Map.of(), EnqueueOptions.defaults().withQueue("mail").withPriority(5));
        time.advance(Duration.ofSeconds(10));
        client.enqueue("k", Map.of(), EnqueueOptions.defaults().withQueue("mail"));
        client.enqueue("k", Map.of(), EnqueueOptions.defaults().withQueue("mail").withRunAt(time.now().plusSeconds(60)));
        client.enqueue("k", Map.of(), EnqueueOptions.defaults().withQueue("web"));
        client.cancel(client.enqueue("k", Map.of(), EnqueueOptions.defaults().withQueue("web")).id());
        time.advance(Duration.ofSeconds(5));

        JobStats stats = new CachedStatsReader(store, time).snapshot();

        assertThat(stats.queues()).extracting(QueueStats::queue).containsExactly("mail", "web");
        QueueStats mail = stats.queues().get(0);
        assertThat(mail.counts()).isEqualTo(new StateCounts(0, 1, 2, 0, 0, 0, 0, 0));
        assertThat(mail.oldestAvailableAgeSeconds()).as("the priority-5 job is the oldest").isEqualTo(15.0);
        QueueStats web = stats.queues().get(1);
        assertThat(web.counts()).isEqualTo(new StateCounts(0, 0, 1, 0, 0, 0, 0, 1));
        assertThat(web.oldestAvailableAgeSeconds()).isEqualTo(5.0);
        assertThat(stats.totals()).isEqualTo(new StateCounts(0, 1, 3, 0, 0, 0, 0, 1));
        assertThat(stats.totals().total()).isEqualTo(5);
        assertThat(stats.oldestAvailableAgeSeconds()).isEqualTo(15.0);
    }

    @Test
    void windowsAndMinutesSumTheRollupOverShardsAndQueues() {
        // now is 12:00:30; the current minute is 12:00.
        rollup("2025-01-01T12:00:00Z", "mail", 1, 10, 8, 1, 2, 0, 10 * 50.0, 10);
        rollup("2025-01-01T12:00:00Z", "mail", 2, 10, 10, 0, 0, 1, 10 * 150.0, 10);
        rollup("2025-01-01T11:58:00Z", "web", 1, 4, 4, 0, 0, 0, 4 * 20.0, 4);
        rollup("2025-01-01T11:30:00Z", "web", 1, 100, 100, 0, 0, 0, 100 * 5.0, 100);
        rollup("2025-01-01T00:00:00Z", "web", 1, 1000, 900, 0, 100, 0, 0, 1000);
        rollup("2024-12-31T11:00:00Z", "old", 1, 7, 7, 0, 0, 0, 0, 7);

        JobStats stats = new CachedStatsReader(store, time).snapshot();

        WindowStats oneMinute = stats.windows().get(0);
        assertThat(oneMinute.from()).as("the minute holding now - 1 min").isEqualTo(Instant.parse("2025-01-01T11:59:00Z"));
        assertThat(List.of(oneMinute.claimed(), oneMinute.completed(), oneMinute.failed(), oneMinute.discarded(),
                oneMinute.cancelled())).containsExactly(20L, 18L, 1L, 2L, 1L);
        assertThat(oneMinute.throughputPerSecond()).isEqualTo(20 / 90.0);
        assertThat(oneMinute.successRate()).isEqualTo(18 / 20.0);
        assertThat(oneMinute.pickupLatencyAvgMs()).isEqualTo(100.0);
        WindowStats fiveMinutes = stats.windows().get(1);
        assertThat(fiveMinutes.claimed()).isEqualTo(24);
        assertThat(stats.windows().get(2).claimed()).isEqualTo(124);
        assertThat(stats.windows().get(3).claimed()).as("24 h excludes the day before").isEqualTo(1124);
        assertThat(stats.queues()).extracting(QueueStats::queue).containsExactly("mail", "web");
        QueueStats web = stats.queues().get(1);
        assertThat(web.windows()).extracting(WindowStats::claimed).containsExactly(0L, 4L, 104L, 1104L);
        assertThat(web.windows().get(0).from()).isEqualTo(oneMinute.from());
        assertThat(stats.minutes().getLast().claimed()).isEqualTo(20);
        assertThat(stats.minutes().get(57).claimed()).as("11:58").isEqualTo(4);
        assertThat(stats.minutes().get(29).claimed()).as("11:30").isEqualTo(100);
        assertThat(stats.minutes().stream().mapToLong(MinutePoint::claimed).sum()).isEqualTo(124);
        assertThat(web.minutes().get(57).pickupLatencyAvgMs()).isEqualTo(20.0);
        assertThat(web.minutes().get(56).pickupLatencyAvgMs()).isNull();
    }

    @Test
    void countsAreServedFromCacheForOneSecondThenCountedAgain() {
        CachedStatsReader reader = new CachedStatsReader(store, time);
        client.enqueue("k", Map.of());
        assertThat(reader.snapshot().totals().available()).isEqualTo(1);

        client.enqueue("k", Map.of());
        time.advance(Duration.ofMillis(999));
        JobStats cached = reader.snapshot();
        time.advance(Duration.ofMillis(1));
        JobStats counted = reader.snapshot();

        assertThat(cached.totals().available()).isEqualTo(1);
        assertThat(cached.countsAsOf()).isEqualTo(Instant.parse("2025-01-01T12:00:30Z"));
        assertThat(cached.generatedAt()).isEqualTo(Instant.parse("2025-01-01T12:00:30.999Z"));
        assertThat(counted.totals().available()).isEqualTo(2);
        assertThat(counted.countsAsOf()).isEqualTo(Instant.parse("2025-01-01T12:00:31Z"));
    }

    /** With counting too slow to wait for (here: always), callers get the last counts while a recount runs. */
    @Test
    void slowCountsAreRedoneInTheBackgroundWhileCallersGetTheLastOnes() {
        List<Runnable> queued = new ArrayList<>();
        Executor background = queued::add;
        CachedStatsReader reader = new CachedStatsReader(store, time, new RefreshPolicy(Duration.ofSeconds(1), 20, Duration.ZERO), background);
        reader.warmUp();
        assertThat(queued).hasSize(1);
        queued.removeFirst().run();
        client.enqueue("k", Map.of());
        assertThat(reader.snapshot().totals().available()).as("the warm-up counted before the job existed").isZero();

        time.advance(Duration.ofSeconds(1));
        JobStats stale = reader.snapshot();
        reader.snapshot();
        assertThat(queued).as("one recount queued, however many callers").hasSize(1);
        queued.removeFirst().run();
        JobStats fresh = reader.snapshot();

        assertThat(stale.totals().available()).isZero();
        assertThat(fresh.totals().available()).isEqualTo(1);
        assertThat(fresh.countsAsOf()).isEqualTo(time.now());
    }

    @Test
    void theFirstSnapshotCountsItselfWhenNoWarmUpRan() {
        List<Runnable> queued = new ArrayList<>();
        CachedStatsReader reader = new CachedStatsReader(store, time, RefreshPolicy.DEFAULT, queued::add);
        client.enqueue("k", Map.of());

        assertThat(reader.snapshot().totals().available()).isEqualTo(1);
        assertThat(queued).isEmpty();
    }

    /** Every count too slow to wait for (so each is kept, and recounts run in the background). */
    private static final RefreshPolicy KEEP_ALL = new RefreshPolicy(Duration.ofSeconds(1), 20, Duration.ZERO);

    @Test
    void aNewReaderAnswersFirstFromTheKeptCountWithItsTimeThenCountsAgain() {
        client.enqueue("k", Map.of());
        JobStats first = new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot();
        client.enqueue("k", Map.of());
        time.advance(Duration.ofSeconds(30));

        List<Runnable> queued = new ArrayList<>();
        CachedStatsReader restarted = new CachedStatsReader(store, time, KEEP_ALL, queued::add);
        JobStats kept = restarted.snapshot();

        assertThat(kept.totals().available()).as("the kept count, not a new one").isEqualTo(1);
        assertThat(kept.countsAsOf()).isEqualTo(first.countsAsOf()).isEqualTo(Instant.parse("2025-01-01T12:00:30Z"));
        assertThat(kept.generatedAt()).isEqualTo(Instant.parse("2025-01-01T12:01:00Z"));
        assertThat(queued).as("a recount follows at once").hasSize(1);
        queued.removeFirst().run();
        JobStats fresh = restarted.snapshot();
        assertThat(fresh.totals().available()).isEqualTo(2);
        assertThat(fresh.countsAsOf()).isEqualTo(time.now());
    }

    @Test
    void aKeptCountOlderThanTenMinutesOrEmptiedByATruncateIsNotUsed() {
        client.enqueue("k", Map.of());
        new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot();
        client.enqueue("k", Map.of());
        time.advance(CachedStatsReader.KEPT_MAX_AGE.plusSeconds(1));

        assertThat(new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot().totals().available())
                .as("too old: counted").isEqualTo(2);
        assertThat(new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot().totals().available())
                .as("the count just made was kept").isEqualTo(2);
        db.reset();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.kept_job_counts")).as("TRUNCATE forgets it").isZero();
        assertThat(new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot().totals().available()).isZero();
    }

    @Test
    void aKeptRowThatCannotBeReadIsPassedOverAndTheReaderCounts() {
        client.enqueue("k", Map.of());
        for (String counts : List.of("[[\"q\", \"no-such-state\", 1]]", "[[\"q\", \"available\"]]", "[1]",
                "[[null, \"available\", 1]]")) {
            db.execute("DELETE FROM gantry.kept_job_counts");
            db.execute("INSERT INTO gantry.kept_job_counts (counted_at, took_ms, counts) VALUES ('%s', 500, '%s')"
                    .formatted(time.now(), counts));

            assertThat(new CachedStatsReader(store, time, KEEP_ALL, Runnable::run).snapshot().totals().available())
                    .as("kept %s", counts).isEqualTo(1);
        }
    }

    @Test
    void aQuickCountIsNotKeptAndAnOlderOneNeverReplacesANewer() {
        client.enqueue("k", Map.of());
        new CachedStatsReader(store, time).snapshot();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.kept_job_counts")).as("quick counts are made again, not kept").isZero();

        JobCounts newer = new JobCounts(time.now(), List.of(new JobCounts.Row("q", dev.gantry.job.JobState.AVAILABLE, 5)));
        store.keepCounts(newer, Duration.ofSeconds(1));
        store.keepCounts(new JobCounts(time.now().minusSeconds(1), List.of()), Duration.ofSeconds(1));

        StatsStore.KeptCounts kept = store.keptCounts(time.now().minusSeconds(60), time.now()).orElseThrow();
        assertThat(kept.counts()).isEqualTo(newer);
        assertThat(kept.took()).isEqualTo(Duration.ofSeconds(1));
    }

    private void rollup(String minute, String queue, int shard, long claimed, long completed, long failed,
                        long discarded, long cancelled, double waitMsSum, long runs) {
        db.execute("""
                INSERT INTO gantry.job_stats (bucket, queue, shard, claimed, completed, failed, discarded, cancelled,
                                              wait_ms_sum, wait_ms_max, wait_h5, run_count, run_h0)
                VALUES ('%s', '%s', %d, %d, %d, %d, %d, %d, %s, %s, %d, %d, %d)"""
                .formatted(minute, queue, shard, claimed, completed, failed, discarded, cancelled, waitMsSum,
                        claimed == 0 ? 0 : waitMsSum / claimed, claimed, runs, runs));
    }
}
