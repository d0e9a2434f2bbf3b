package dev.gantry.job;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which jobs to list; every field is optional. Jobs come newest first (by id) and pages are
 * keyset-paginated: pass the previous page's {@link JobPage#nextCursor()} as {@code cursor}.
 *
 * @param tag  jobs carrying this tag; a search, see {@link JobPage}
 * @param text matched as a substring of the args JSON or of the error history; a search, see {@link JobPage}
 */
public record JobFilter(Set<JobState> states, String queue, String kind, String tag, String text,
                        Instant createdAfter, Instant createdBefore, int limit, Long cursor) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;
    /** Most jobs one bulk retry or cancel changes; callers repeat while more match. */
    public static final int MAX_BULK = 10_000;

    public JobFilter {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new dev.gantry.error.InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static JobFilter all() {
        return new JobFilter(Set.of(), null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    public JobFilter withStates(JobState... s) {
        return new JobFilter(Set.of(s), queue, kind, tag, text, createdAfter, createdBefore, limit, cursor);
    }

    public JobFilter withQueue(String q) {
        return new JobFilter(states, q, kind, tag, text, createdAfter, createdBefore, limit, cursor);
    }

    public JobFilter withKind(String k) {
        return new JobFilter(states, queue, k, tag, text, createdAfter, createdBefore, limit, cursor);
    }

    public JobFilter withTag(String t) {
        return new JobFilter(states, queue, kind, t, text, createdAfter, createdBefore, limit, cursor);
    }

    public JobFilter withText(String t) {
        return new JobFilter(states, queue, kind, tag, t, createdAfter, createdBefore, limit, cursor);
    }

    public JobFilter withCreatedBetween(Instant after, Instant before) {
        return new JobFilter(states, queue, kind, tag, text, after, before, limit, cursor);
    }

    public JobFilter withLimit(int l) {
        return new JobFilter(states, queue, kind, tag, text, createdAfter, createdBefore, l, cursor);
    }

    public JobFilter withCursor(Long c) {
        return new JobFilter(states, queue, kind, tag, text, createdAfter, createdBefore, limit, c);
    }
}
