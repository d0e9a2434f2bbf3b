package dev.gantry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.Schedule;
import dev.gantry.client.ScheduleClient;
import dev.gantry.client.ScheduleRequest;
import dev.gantry.config.SchemaName;
import dev.gantry.error.InvalidInputException;
import dev.gantry.event.GantryListener;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.ScheduleStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** The scheduler on a clock the test moves: each tick once, missed ticks by policy, changes from the next tick. */
@ExtendWith(PostgresExtension.class)
class SchedulerTest {
    private final ManualTimeSource time = ManualTimeSource.at("2026-12-06T10:00:00Z");
    private final TestDatabase db;
    private ScheduleClient schedules;
    private Scheduler scheduler;

    SchedulerTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.reset();
        db.execute("TRUNCATE gantry.schedules");
        db.execute("SELECT gantry.declare_kind('report.build')");
        Gantry client = db.gantry(null, time, GantryListener.NONE);
        schedules = client.schedules();
        scheduler = scheduler();
    }

    private Scheduler scheduler() {
        Db d = new Db(db.dataSource());
        return new Scheduler(new ScheduleStore(d, SchemaName.DEFAULT, time), new JobStore(d, SchemaName.DEFAULT, time));
    }

    /** The run_at of the schedule's jobs, in order, as text. */
    private List<String> runs(String name) {
        String s = db.queryString("SELECT string_agg(to_char(run_at AT TIME ZONE 'UTC', 'HH24:MI:SS'), ' ' ORDER BY run_at) "
                + "FROM gantry.jobs WHERE 'schedule:" + name + "' = ANY (tags)");
        return s == null ? List.of() : List.of(s.split(" "));
    }

    @Test
    void eachTickIsEnqueuedOnceWithTheScheduleTagAndKey() {
        ScheduleClient.Upserted set = schedules.set("reports", ScheduleRequest.of("every 10s", "report.build")
                .withArgs(Map.of("scope", "all")).withQueue("reports").withPriority(3).withMaxAttempts(2).withTags(List.of("nightly")));
        assertThat(set.created()).isTrue();
        assertThat(set.schedule().nextRunAt()).isEqualTo("2026-12-06T10:00:10Z");

        scheduler.runOnce();
        assertThat(db.countJobs()).isZero();
        time.advance(Duration.ofSeconds(10));
        assertThat(scheduler.runOnce()).isEqualTo(1);
        assertThat(scheduler.runOnce()).isZero();
        time.advance(Duration.ofSeconds(25));
        assertThat(scheduler.runOnce()).isEqualTo(2);

        assertThat(runs("reports")).containsExactly("10:00:10", "10:00:20", "10:00:30");
        assertThat(db.queryString("SELECT string_agg(queue || ' ' || kind || ' ' || args::text || ' ' || priority || ' '"
                + " || max_attempts || ' ' || state || ' ' || array_to_string(tags, ',') || ' ' || unique_key, '; ' ORDER BY id)"
                + " FROM gantry.jobs WHERE id = 1"))
                .isEqualTo("reports report.build {\"scope\": \"all\"} 3 2 available nightly,schedule:reports schedule:reports@2026-12-06T10:00:10Z");
        Schedule s = schedules.get("reports").orElseThrow();
        assertThat(s.lastRunAt()).isEqualTo("2026-12-06T10:00:30Z");
        assertThat(s.lastJobId()).isEqualTo(3L);
        assertThat(s.nextRunAt()).isEqualTo("2026-12-06T10:00:40Z");
    }

    @Test
    void schedulersRacingOnManySchedulesEnqueueEveryTickExactlyOnce() throws Exception {
        for (int i = 0; i < 50; i++) schedules.set("s" + i, ScheduleRequest.of("every " + (1 + i % 7) + "s", "report.build"));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int step = 0; step < 30; step++) {
                time.advance(Duration.ofMillis(700));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Scheduler own = scheduler();
                    done.add(pool.submit(() -> {
                        go.await();
                        return own.runOnce();
                    }));
                }
                go.countDown();
                for (Future<Integer> f : done) f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Instant end = time.now();
        for (int i = 0; i < 50; i++) {
            long period = 1 + i % 7;
            long expected = Duration.between(Instant.parse("2026-12-06T10:00:00Z"), end).toSeconds() / period;
            assertThat(runs("s" + i)).as("s%d", i).hasSize((int) expected).doesNotHaveDuplicates();
        }
        assertThat(db.queryLong("SELECT count(*) FROM (SELECT unique_key FROM gantry.jobs GROUP BY 1 HAVING count(*) > 1) d")).isZero();
    }

    @Test
    void afterDowntimeMissedTicksAreSkippedOrTheLatestCaughtUp() {
        schedules.set("skip", ScheduleRequest.of("0 * * * *", "report.build"));
        schedules.set("catch", ScheduleRequest.of("0 * * * *", "report.build").withCatchUp(2));
        // no worker for five and a half hours: ticks 11:00 to 15:00 are missed
        time.advance(Duration.ofMinutes(5 * 60 + 30));
        scheduler.runOnce();
        assertThat(runs("skip")).isEmpty();
        assertThat(runs("catch")).containsExactly("14:00:00", "15:00:00");
        time.advance(Duration.ofMinutes(30).plusSeconds(20));
        scheduler.runOnce();
        // 16:00 is 20 s late: on time
        assertThat(runs("skip")).containsExactly("16:00:00");
        assertThat(schedules.get("skip").orElseThrow().nextRunAt()).isEqualTo("2026-12-06T17:00:00Z");
    }

    @Test
    void aChangedSpecTakesEffectFromTheNextTickAndOtherChangesKeepIt() {
        schedules.set("r", ScheduleRequest.of("every 1h", "report.build"));
        time.advance(Duration.ofMinutes(10));
        assertThat(schedules.set("r", ScheduleRequest.of("every 1h", "report.build").withPriority(5)).created()).isFalse();
        assertThat(schedules.get("r").orElseThrow().nextRunAt()).isEqualTo("2026-12-06T11:00:00Z");
        schedules.set("r", ScheduleRequest.of("*/15 * * * *", "report.build"));
        assertThat(schedules.get("r").orElseThrow().nextRunAt()).isEqualTo("2026-12-06T10:15:00Z");
        assertThat(schedules.nextRuns("r", 3)).containsExactly(Instant.parse("2026-12-06T10:15:00Z"),
                Instant.parse("2026-12-06T10:30:00Z"), Instant.parse("2026-12-06T10:45:00Z"));
        time.advance(Duration.ofMinutes(5));
        scheduler.runOnce();
        assertThat(runs("r")).containsExactly("10:15:00");
    }

    @Test
    void aPausedScheduleMakesNothingAndResumesFromNow() {
        schedules.set("r", ScheduleRequest.of("every 1m", "report.build"));
        assertThat(schedules.pause("r").paused()).isTrue();
        assertThat(schedules.nextRuns("r", 5)).isEmpty();
        time.advance(Duration.ofMinutes(10));
        scheduler.runOnce();
        assertThat(runs("r")).isEmpty();
        Schedule resumed = schedules.resume("r");
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.nextRunAt()).isEqualTo("2026-12-06T10:11:00Z");
        time.advance(Duration.ofMinutes(1));
        scheduler.runOnce();
        assertThat(runs("r")).containsExactly("10:11:00");
        assertThat(schedules.delete("r")).isTrue();
        assertThat(schedules.delete("r")).isFalse();
        assertThat(db.countJobs()).isEqualTo(1);
    }

    @Test
    void aScheduleWrittenAroundTheChecksIsPausedWithItsReason() {
        db.execute("INSERT INTO gantry.schedules (name, spec, kind) VALUES ('bad', '0 0 L * *', 'report.build')");
        scheduler.runOnce();
        Schedule s = schedules.get("bad").orElseThrow();
        assertThat(s.paused()).isTrue();
        assertThat(s.lastError()).startsWith("paused: spec: ");
    }

    @Test
    void badInputNamesTheFieldAndWritesNothing() {
        record Case(String name, ScheduleRequest request, String field) {
        }
        List<Case> cases = List.of(
                new Case("x", ScheduleRequest.of("every 5", "report.build"), "spec"),
                new Case("x", ScheduleRequest.of("0 0 30 2 *", "report.build"), "spec"),
                new Case("x", ScheduleRequest.of("0 * * * *", "report.build").withTimezone("Mars/Olympus"), "timezone"),
                new Case("x", ScheduleRequest.of("0 * * * *", "no.such.kind"), "kind"),
                new Case("x", ScheduleRequest.of("0 * * * *", "report.build").withQueue("bad queue"), "queue"),
                new Case("x", ScheduleRequest.of("0 * * * *", "report.build").withCatchUp(-1), "catch_up"),
                new Case("x", ScheduleRequest.of("0 * * * *", "report.build").withPriority(-1), "priority"),
                new Case("x", ScheduleRequest.of("0 * * * *", "report.build").withTimeout(Duration.ofMillis(1500)), "timeout"),
                new Case("", ScheduleRequest.of("0 * * * *", "report.build"), "name"),
                new Case("a".repeat(120), ScheduleRequest.of("0 * * * *", "report.build"), "name"));
        for (Case c : cases) {
            assertThatThrownBy(() -> schedules.set(c.name(), c.request())).as(c.toString())
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(c.field()));
        }
        assertThatThrownBy(() -> schedules.pause("nope")).isInstanceOf(InvalidInputException.class).hasMessageContaining("no schedule");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.schedules")).isZero();
    }
}
