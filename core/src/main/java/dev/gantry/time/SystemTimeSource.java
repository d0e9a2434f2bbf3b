package dev.gantry.time;

import java.time.Instant;

/** Real time: the system clock for wall time, System.nanoTime for monotonic time, the database for SQL. */
public final class SystemTimeSource implements TimeSource {
    public static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private SystemTimeSource() {
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public Instant nowForSql() {
        return null;
    }
}
