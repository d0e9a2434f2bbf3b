package dev.gantry.client;

import java.time.Duration;
import java.util.List;

/**
 * What a schedule should be: its spec and the jobs it makes. Immutable: each {@code with*}
 * returns a copy.
 *
 * <pre>{@code
 * gantry.schedules().set("weekly-retention",
 *         ScheduleRequest.of("0 2 * * 0", "retention.run").withTimezone("Europe/Paris"));
 * gantry.schedules().set("sync:acct-42",
 *         ScheduleRequest.of("every 15m", "ads.sync").withArgs(Map.of("account", 42)).withQueue("sync"));
 * }</pre>
 *
 * @param spec     a cron expression (5 fields, or 6 with seconds first) or {@code every <n><s|m|h|d>}
 * @param args     an object to serialize as the jobs' args, or {@link RawJson}; null means {}
 * @param timezone the zone cron fields are read in (IANA name; default UTC)
 * @param catchUp  how many missed ticks still run after downtime (default 0: skip them)
 * @param paused   null keeps a schedule's current state (a new one runs)
 */
public record ScheduleRequest(String spec, String kind, Object args, String queue, String timezone, int priority,
                              Integer maxAttempts, Duration timeout, List<String> tags, int catchUp, Boolean paused) {
    public ScheduleRequest {
        tags = tags == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    }

    public static ScheduleRequest of(String spec, String kind) {
        return new ScheduleRequest(spec, kind, null, EnqueueOptions.DEFAULT_QUEUE, "UTC", 0, null, null, List.of(), 0, null);
    }

    public ScheduleRequest withArgs(Object v) {
        return new ScheduleRequest(spec, kind, v, queue, timezone, priority, maxAttempts, timeout, tags, catchUp, paused);
    }

    public ScheduleRequest withQueue(String v) {
        return new ScheduleRequest(spec, kind, args, v, timezone, priority, maxAttempts, timeout, tags, catchUp, paused);
    }

    public ScheduleRequest withTimezone(String v) {
        return new ScheduleRequest(spec, kind, args, queue, v, priority, maxAttempts, timeout, tags, catchUp, paused);
    }

    public ScheduleRequest withPriority(int v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, v, maxAttempts, timeout, tags, catchUp, paused);
    }

    public ScheduleRequest withMaxAttempts(Integer v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, priority, v, timeout, tags, catchUp, paused);
    }

    public ScheduleRequest withTimeout(Duration v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, priority, maxAttempts, v, tags, catchUp, paused);
    }

    public ScheduleRequest withTags(List<String> v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, priority, maxAttempts, timeout, v, catchUp, paused);
    }

    public ScheduleRequest withCatchUp(int v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, priority, maxAttempts, timeout, tags, v, paused);
    }

    public ScheduleRequest withPaused(Boolean v) {
        return new ScheduleRequest(spec, kind, args, queue, timezone, priority, maxAttempts, timeout, tags, catchUp, v);
    }
}
