package dev.gantry.lifecycle;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.error.StoreException;
import dev.gantry.event.GantryListener;
import dev.gantry.health.ComponentHealth;
import dev.gantry.health.ComponentHealth.State;
import dev.gantry.time.TimeSource;

/**
 * The health of one long-lived component as its own loop reports it, read by {@code /health}.
 * A failure is logged once here with the component's name (WARN for a database error, which
 * recovers by itself; ERROR for anything else, a bug), reported to the listener (metrics), and
 * counted. A stall probe may report a component STALLED while its loop still runs. Thread-safe.
 */
public final class Component {
    private static final Logger log = LoggerFactory.getLogger(Component.class);

    private final String name;
    private final TimeSource time;
    private final GantryListener listener;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile Status status;
    private volatile Supplier<String> stallProbe = () -> null;

    private record Status(State state, String detail, Instant since) {
    }

    public Component(String name, TimeSource time, GantryListener listener) {
        this.name = name;
        this.time = time;
        this.listener = GuardedListener.of(listener);
        this.status = new Status(State.STOPPED, null, time.now());
    }

    public String name() {
        return name;
    }

    /** Reports STALLED with the probe's answer whenever it answers non-null while the loop is up. */
    public void stallProbe(Supplier<String> probe) {
        this.stallProbe = probe;
    }

    /** The loop ran an iteration successfully. Cheap enough to call on every iteration. */
    public void up() {
        if (status.state() != State.UP) status = new Status(State.UP, null, time.now());
    }

    /** The loop failed and will run again after {@code retryInMs}. */
    public void failed(Throwable error, long retryInMs) {
        failures.incrementAndGet();
        restarts.incrementAndGet();
        String detail = describe(error);
        status = new Status(State.RESTARTING, detail, time.now());
        var event = databaseError(error) ? log.atWarn() : log.atError().setCause(error);
        event.setMessage("component failed, restarting").addKeyValue("component", name)
                .addKeyValue("retry_in_ms", retryInMs).addKeyValue("error", detail).log();
        listener.componentFailed(name, error);
    }

    /** The loop ended for good without being stopped (a fatal error). */
    public void down(Throwable error) {
        failures.incrementAndGet();
        String detail = describe(error);
        status = new Status(State.DOWN, detail, time.now());
        log.atError().setMessage("component is down").addKeyValue("component", name).addKeyValue("error", detail)
                .setCause(error).log();
        listener.componentFailed(name, error);
    }

    public void stopped() {
        status = new Status(State.STOPPED, null, time.now());
    }

    public long failures() {
        return failures.get();
    }

    public ComponentHealth health() {
        Status s = status;
        if (s.state() == State.UP) {
            String stall;
            try {
                stall = stallProbe.get();
            } catch (RuntimeException e) {
                stall = "stall probe failed: " + describe(e);
            }
            if (stall != null) return new ComponentHealth(name, State.STALLED, stall, s.since(), failures.get(), restarts.get());
        }
        return new ComponentHealth(name, s.state(), s.detail(), s.since(), failures.get(), restarts.get());
    }

    /** A database error (connection lost, statement failed) recovers when the database does: a warning, not a bug. */
    static boolean databaseError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException || t instanceof java.sql.SQLException) return true;
        }
        return false;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
