package dev.gantry.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.client.Schedule;
import dev.gantry.client.ScheduleClient;
import dev.gantry.client.ScheduleRequest;
import dev.gantry.error.InvalidInputException;
import dev.gantry.schedule.ScheduleSpec;
import dev.gantry.store.ScheduleStore;
import dev.gantry.time.TimeSource;

/**
 * {@link ScheduleClient} on the schedule store. The spec is read here first (cron-utils' own
 * messages, and a cron that never runs), then the SQL API checks everything again and writes.
 */
public final class StoreScheduleClient implements ScheduleClient {
    static final int MAX_NEXT_RUNS = 100;

    private final ScheduleStore store;
    private final JobRequestValidator validator;

    public StoreScheduleClient(ScheduleStore store, ObjectMapper json, int maxArgsBytes, TimeSource time) {
        this.store = store;
        this.validator = new JobRequestValidator(json, maxArgsBytes, time);
    }

    @Override
    public Upserted set(String name, ScheduleRequest request) {
        if (request == null) throw new InvalidInputException("request", "must not be null");
        ScheduleSpec.parse(request.spec(), request.timezone());
        String args = request.args() == null ? "{}" : validator.args(request.args());
        Integer timeoutSeconds = null;
        if (request.timeout() != null) {
            Duration t = request.timeout();
            if (t.toMillis() % 1000 != 0 || t.toSeconds() < 1 || t.toSeconds() > JobRequestValidator.MAX_TIMEOUT_SECONDS) {
                throw new InvalidInputException("timeout", "must be whole seconds from 1 to "
                        + JobRequestValidator.MAX_TIMEOUT_SECONDS + ", got " + t);
            }
            timeoutSeconds = (int) t.toSeconds();
        }
        boolean created = store.set(new ScheduleStore.NewSchedule(name, request.spec(), request.kind(), args,
                request.queue(), request.timezone(), request.priority(), request.maxAttempts(), timeoutSeconds,
                request.tags(), request.catchUp(), request.paused()));
        return new Upserted(view(store.get(name).orElseThrow()), created);
    }

    @Override
    public Optional<Schedule> get(String name) {
        return store.get(name).map(StoreScheduleClient::view);
    }

    @Override
    public List<Schedule> list() {
        return store.list().stream().map(StoreScheduleClient::view).toList();
    }

    @Override
    public List<Instant> nextRuns(String name, int n) {
        if (n < 1 || n > MAX_NEXT_RUNS) throw new InvalidInputException("n", "must be from 1 to " + MAX_NEXT_RUNS + ", got " + n);
        Optional<ScheduleStore.Row> row = store.get(name);
        if (row.isEmpty()) throw new InvalidInputException("name", "no schedule named \"" + name + "\"");
        Schedule s = row.get().schedule();
        if (s.paused()) return List.of();
        ScheduleSpec spec = spec(s);
        if (spec == null) return List.of();
        Optional<Instant> t = s.nextRunAt() != null ? Optional.of(s.nextRunAt()) : spec.first(row.get().specSetAt());
        Instant anchor = t.orElse(null);
        List<Instant> out = new ArrayList<>(n);
        while (t.isPresent() && out.size() < n) {
            out.add(t.get());
            t = spec.next(t.get(), anchor);
        }
        return out;
    }

    @Override
    public Schedule pause(String name) {
        store.pause(name);
        return get(name).orElseThrow();
    }

    @Override
    public Schedule resume(String name) {
        store.resume(name);
        return get(name).orElseThrow();
    }

    @Override
    public boolean delete(String name) {
        return store.delete(name);
    }

    /** The stored row, with its next tick computed when the scheduler has not stored one yet. */
    private static Schedule view(ScheduleStore.Row row) {
        Schedule s = row.schedule();
        if (s.nextRunAt() != null || s.paused()) return s;
        ScheduleSpec spec = spec(s);
        Instant next = spec == null ? null : spec.first(row.specSetAt()).orElse(null);
        return new Schedule(s.name(), s.spec(), s.timezone(), s.kind(), s.args(), s.queue(), s.priority(),
                s.maxAttempts(), s.timeout(), s.tags(), s.catchUp(), s.paused(), next, s.lastRunAt(), s.lastJobId(),
                s.lastError(), s.createdAt(), s.updatedAt());
    }

    /** The spec of a stored schedule; null for one that no longer reads (the scheduler pauses it). */
    private static ScheduleSpec spec(Schedule s) {
        try {
            return ScheduleSpec.parse(s.spec(), s.timezone());
        } catch (InvalidInputException e) {
            return null;
        }
    }
}
