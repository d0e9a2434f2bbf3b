package dev.gantry.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a scheduler pass does with one due schedule: the ticks to enqueue now, how many missed
 * ticks it skips, and the next tick (null: the spec never runs again).
 *
 * <p>Ticks due at most {@link #GRACE} ago are on time and all run: a scheduler that polls every
 * second, or a rolling restart of the workers, delays a tick without losing it. Older ticks were
 * missed (no worker ran for a while); the schedule's {@code catch_up} says how many of the
 * latest of them still run, the rest are skipped and counted.
 */
public record TickPlan(List<Instant> run, long skipped, Instant next) {
    /** How late a tick may be and still count as on time. */
    public static final Duration GRACE = Duration.ofMinutes(1);
    /** At most this many ticks run in one pass (an every-second schedule after its grace minute: 61). */
    static final int MAX_RUN = 1000;
    /** Missed ticks are counted up to this many (for the log line); more shows as this. */
    static final int MAX_COUNTED = 100_000;

    public TickPlan {
        run = List.copyOf(run);
    }

    /**
     * @param due the schedule's next tick (its stored next_run_at, or its first tick)
     * @param catchUp how many of the latest missed ticks run
     */
    public static TickPlan plan(ScheduleSpec spec, Instant due, Instant now, int catchUp) {
        if (due.isAfter(now)) return new TickPlan(List.of(), 0, due);
        Instant missedBefore = now.minus(GRACE);
        List<Instant> run = new ArrayList<>();
        long skipped = 0;
        if (due.isBefore(missedBefore)) {
            List<Instant> latest = new ArrayList<>();
            Optional<Instant> t = spec.previous(missedBefore, due);
            while (t.isPresent() && !t.get().isBefore(due) && latest.size() < catchUp) {
                latest.addFirst(t.get());
                t = spec.previous(t.get(), due);
            }
            run.addAll(latest);
            skipped = Math.max(0, countFrom(spec, due, missedBefore) - latest.size());
        }
        Optional<Instant> t = due.isBefore(missedBefore) ? spec.next(missedBefore.minusNanos(1), due) : Optional.of(due);
        while (t.isPresent() && !t.get().isAfter(now) && run.size() < MAX_RUN) {
            run.add(t.get());
            t = spec.next(t.get(), due);
        }
        // Past MAX_RUN (not reachable with one-second ticks and a one-minute grace) the rest waits for the next pass.
        Instant next = t.isPresent() && !t.get().isAfter(now) ? t.get() : spec.next(now, due).orElse(null);
        return new TickPlan(run, skipped, next);
    }

    /** How many ticks lie in [from, before), up to {@link #MAX_COUNTED}. */
    private static long countFrom(ScheduleSpec spec, Instant from, Instant before) {
        if (spec instanceof ScheduleSpec.Every every) {
            return Math.min(MAX_COUNTED, (Duration.between(from, before).toNanos() - 1) / every.period().toNanos() + 1);
        }
        long n = 0;
        Optional<Instant> t = Optional.of(from);
        while (t.isPresent() && t.get().isBefore(before) && n < MAX_COUNTED) {
            n++;
            t = spec.next(t.get(), from);
        }
        return n;
    }
}
