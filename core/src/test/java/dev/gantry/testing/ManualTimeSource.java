package dev.gantry.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.gantry.time.TimeSource;

/**
 * Time that moves only when a test says so. Its "now" is bound into SQL too, so the database
 * agrees with it. Monotonic time moves with {@link #advance}.
 */
public final class ManualTimeSource implements TimeSource {
    private final AtomicReference<Instant> now;
    private final long monotonicBase;

    private ManualTimeSource(Instant start) {
        this.now = new AtomicReference<>(start);
        this.monotonicBase = start.toEpochMilli() * 1_000_000L;
    }

    public static ManualTimeSource at(String instant) {
        return new ManualTimeSource(Instant.parse(instant));
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant now() {
        return now.get();
    }

    @Override
    public long monotonicNanos() {
        return now.get().toEpochMilli() * 1_000_000L - monotonicBase;
    }

    @Override
    public Instant nowForSql() {
        return now.get();
    }
}
