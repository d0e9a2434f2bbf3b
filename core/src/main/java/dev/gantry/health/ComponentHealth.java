package dev.gantry.health;

import java.time.Instant;

/**
 * One long-lived part of a Gantry process (a fetcher, the completer, the heartbeat, the
 * database...) as its supervisor sees it.
 *
 * @param name     the component, as its thread is named ({@code fetcher-mail}, {@code completer}, ...)
 * @param state    what it is doing
 * @param detail   why it is not up (the last error, or what it waits for), else null
 * @param since    when it entered this state
 * @param failures unexpected errors it has had since start (each logged with its name)
 * @param restarts times its loop was restarted after such an error
 */
public record ComponentHealth(String name, State state, String detail, Instant since, long failures, long restarts) {
    /** The states of a component; only {@link #UP} and {@link #STOPPED} are healthy. */
    public enum State {
        /** Running as it should. */
        UP,
        /** Its loop failed and restarts after a backoff. */
        RESTARTING,
        /** Running but not making progress (for example: outcomes waiting longer than allowed). */
        STALLED,
        /** Not running, and not about to run by itself. */
        DOWN,
        /** Stopped on purpose (shutdown, or before start). */
        STOPPED;

        public boolean healthy() {
            return this == UP || this == STOPPED;
        }
    }
}
