package dev.gantry.time;

import java.time.Instant;

/**
 * The one source of time in core. Production uses {@link SystemTimeSource}; tests pin and advance it.
 * Never call Instant.now() or System.nanoTime() elsewhere in core.
 */
public interface TimeSource {
    /** Wall-clock time. */
    Instant now();

    /** Monotonic nanoseconds for durations and deadlines. */
    long monotonicNanos();

    /**
     * The "now" bound into SQL as {@code coalesce(:now, now())}: null in production so the
     * database clock decides and workers with skewed clocks cannot disagree; pinned in tests.
     */
    Instant nowForSql();
}
