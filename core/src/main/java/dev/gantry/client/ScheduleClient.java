package dev.gantry.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;

/**
 * Schedules: jobs made on a clock, stored in the database and run by every worker's scheduler,
 * each tick enqueued once however many workers run (docs/schedules.md). Thread-safe; get it
 * from {@code Gantry.schedules()}. Bad input throws {@link InvalidInputException} naming the
 * field, and writes nothing.
 */
public interface ScheduleClient {
    /** The schedule as stored, and whether {@link #set} created it (false: replaced). */
    record Upserted(Schedule schedule, boolean created) {
    }

    /**
     * Creates or replaces the schedule {@code name}. A changed spec or time zone takes effect
     * from the next tick, the first one after now; other changes apply to the next job made.
     */
    Upserted set(String name, ScheduleRequest request);

    Optional<Schedule> get(String name);

    /** Every schedule, by name. */
    List<Schedule> list();

    /** The next {@code n} (1 to 100) run times of a schedule, from its next tick; empty while paused. */
    List<Instant> nextRuns(String name, int n);

    /** Pauses it (no tick is enqueued while paused); returns it. Unknown names throw InvalidInputException. */
    Schedule pause(String name);

    /** Resumes it: the next tick is the first after now (ticks while paused are not run); returns it. */
    Schedule resume(String name);

    /** Deletes it (the jobs it made stay); false when there was none. */
    boolean delete(String name);
}
