package dev.gantry.schedule;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.Schedule;
import dev.gantry.error.InvalidInputException;
import dev.gantry.store.JobStore;
import dev.gantry.store.NewJob;
import dev.gantry.store.ScheduleStore;

/**
 * Enqueues the due ticks of schedules. Runs on every worker: each pass locks up to
 * {@link #BATCH} due schedules (FOR UPDATE SKIP LOCKED), inserts a job per tick to run
 * ({@link TickPlan}) and moves each schedule's next_run_at past now, in one transaction. A
 * tick is therefore enqueued once: two schedulers never hold one schedule together, and the one
 * that commits has moved it on before the other can lock it. A worker that dies mid-pass rolls
 * back both the jobs and the move. Each job also carries the unique key
 * {@code schedule:<name>@<tick>}, a second guard.
 */
public final class Scheduler {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    static final int BATCH = 200;

    private final ScheduleStore schedules;
    private final JobStore jobs;

    public Scheduler(ScheduleStore schedules, JobStore jobs) {
        this.schedules = schedules;
        this.jobs = jobs;
    }

    /** Enqueues every due tick, in passes of {@link #BATCH} schedules; returns the jobs made. */
    public int runOnce() {
        int made = 0;
        Pass pass;
        do {
            pass = schedules.db().inTransaction("enqueue schedule ticks", this::pass);
            made += pass.jobs();
        } while (pass.schedules() == BATCH);
        return made;
    }

    private record Pass(int schedules, int jobs) {
    }

    /** One unit of work per locked schedule: the jobs to insert and how it moves on. */
    private record Work(Schedule schedule, List<Instant> ticks, Instant next, boolean never, String error) {
    }

    private Pass pass(java.sql.Connection conn) throws SQLException {
        ScheduleStore.Due due = schedules.lockDue(conn, BATCH);
        List<Work> work = new ArrayList<>(due.rows().size());
        List<NewJob> toInsert = new ArrayList<>();
        for (ScheduleStore.Row row : due.rows()) {
            Work w = plan(row, due.now());
            work.add(w);
            for (Instant tick : w.ticks()) toInsert.add(job(w.schedule(), tick));
        }
        List<JobStore.Inserted> inserted = jobs.insertMany(conn, toInsert);
        List<ScheduleStore.Advance> advances = new ArrayList<>(work.size());
        int i = 0;
        for (Work w : work) {
            Long lastJob = null;
            Instant lastTick = null;
            for (Instant tick : w.ticks()) {
                lastJob = inserted.get(i++).job().id();
                lastTick = tick;
            }
            advances.add(new ScheduleStore.Advance(w.schedule().name(), w.next(), w.never(), lastTick, lastJob, w.error()));
        }
        schedules.advance(conn, advances);
        return new Pass(due.rows().size(), toInsert.size());
    }

    private static Work plan(ScheduleStore.Row row, Instant now) {
        Schedule s = row.schedule();
        ScheduleSpec spec;
        try {
            spec = ScheduleSpec.parse(s.spec(), s.timezone());
        } catch (InvalidInputException e) {
            // Written around the SQL API's checks (an older version's, or by hand): it cannot run.
            String error = "paused: " + e.getMessage();
            log.atError().setMessage("schedule cannot run").addKeyValue("schedule", s.name()).addKeyValue("error", error).log();
            return new Work(s, List.of(), null, true, error);
        }
        Optional<Instant> due = s.nextRunAt() != null ? Optional.of(s.nextRunAt()) : spec.first(row.specSetAt());
        if (due.isEmpty()) return never(s);
        TickPlan plan = TickPlan.plan(spec, due.get(), now, s.catchUp());
        if (plan.skipped() > 0) {
            log.atWarn().setMessage("schedule missed ticks while no worker ran; skipped them")
                    .addKeyValue("schedule", s.name()).addKeyValue("skipped", plan.skipped())
                    .addKeyValue("ran", plan.run().size()).addKeyValue("catch_up", s.catchUp()).log();
        }
        if (plan.next() == null) {
            Work last = never(s);
            return new Work(s, plan.run(), null, true, last.error());
        }
        return new Work(s, plan.run(), plan.next(), false, null);
    }

    private static Work never(Schedule s) {
        String error = "paused: \"" + s.spec() + "\" has no run left";
        log.atWarn().setMessage("schedule has no run left").addKeyValue("schedule", s.name()).log();
        return new Work(s, List.of(), null, true, error);
    }

    /** The job of one tick: the schedule's kind, args and options, its tag, and a key per tick. */
    static NewJob job(Schedule s, Instant tick) {
        List<String> tags = new ArrayList<>(s.tags());
        tags.add(Schedule.tag(s.name()));
        return new NewJob(s.queue(), s.kind(), s.args(), s.priority(),
                s.maxAttempts() == null ? EnqueueOptions.DEFAULT_MAX_ATTEMPTS : s.maxAttempts(), tick,
                s.timeout() == null ? null : Math.toIntExact(s.timeout().toMillis()), uniqueKey(s.name(), tick), tags);
    }

    /** The unique key of a schedule's tick. */
    public static String uniqueKey(String name, Instant tick) {
        return Schedule.tag(name) + "@" + tick;
    }
}
