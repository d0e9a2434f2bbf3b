package dev.gantry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.ScheduleRequest;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.WorkerProcess;

/**
 * Exactly-once ticks across processes: four worker JVMs run the scheduler on twenty every-second
 * schedules while one is killed (SIGKILL, perhaps mid-pass) and another stopped and started
 * again. Every schedule's ticks must come out as one unbroken series: none twice, none missing.
 */
@ExtendWith(PostgresExtension.class)
class SchedulerProcessesTest {
    private static final int SCHEDULES = 20;

    @Test
    void everyTickIsEnqueuedOnceWhileWorkersDieAndRestart(TestDatabase db) throws Exception {
        db.reset();
        db.execute("TRUNCATE gantry.schedules");
        db.execute("SELECT gantry.declare_kind('test.noop')");
        Gantry client = db.client();
        for (int i = 0; i < SCHEDULES; i++) {
            client.schedules().set("p" + i, ScheduleRequest.of("every 1s", "test.noop").withQueue("sched-test"));
        }
        List<Process> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) workers.add(WorkerProcess.start(db, "sched-w" + i, "sched-test", 4, 5));
            awaitTicks(db, 3);
            workers.get(1).destroyForcibly();
            awaitTicks(db, 6);
            workers.get(2).destroy();
            workers.get(2).waitFor(30, TimeUnit.SECONDS);
            workers.set(2, WorkerProcess.start(db, "sched-w2b", "sched-test", 4, 5));
            awaitTicks(db, 12);
        } finally {
            for (Process p : workers) p.destroyForcibly();
            for (Process p : workers) p.waitFor(30, TimeUnit.SECONDS);
        }
        db.execute("UPDATE gantry.schedules SET paused = true");

        // The tick is in the unique key (a job's run_at moves when a killed worker's job is rescued).
        for (int i = 0; i < SCHEDULES; i++) {
            String ticks = "SELECT substring(unique_key FROM '@(.*)$')::timestamptz AS tick FROM gantry.jobs"
                    + " WHERE 'schedule:p" + i + "' = ANY (tags)";
            long jobs = db.queryLong("SELECT count(*) FROM (" + ticks + ") t");
            long distinct = db.queryLong("SELECT count(DISTINCT tick) FROM (" + ticks + ") t");
            long span = db.queryLong("SELECT round(extract(epoch FROM max(tick) - min(tick)))::bigint + 1 FROM (" + ticks + ") t");
            String runs = db.queryString("SELECT string_agg(to_char(tick, 'HH24:MI:SS.US'), ' ' ORDER BY tick) FROM (" + ticks + ") t");
            assertThat(jobs).as("p%d: ticks %s", i, runs).isGreaterThanOrEqualTo(12).isEqualTo(distinct).isEqualTo(span);
        }
    }

    /** Waits until every schedule has made at least n jobs. */
    private static void awaitTicks(TestDatabase db, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> db.queryLong(
                "SELECT coalesce(min(c), 0) FROM (SELECT s.name, (SELECT count(*) FROM gantry.jobs j WHERE ('schedule:' || s.name) = ANY (j.tags)) c"
                        + " FROM gantry.schedules s) x") >= n);
    }
}
