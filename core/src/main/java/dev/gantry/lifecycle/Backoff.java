package dev.gantry.lifecycle;

/** Exponential backoff for restarting a failed loop: 100 ms, doubling, capped. Not thread-safe; one per loop. */
public final class Backoff {
    static final long FIRST_MS = 100;
    private final long capMs;
    private long nextMs = FIRST_MS;

    public Backoff(long capMs) {
        this.capMs = Math.max(FIRST_MS, capMs);
    }

    /** The delay before the next attempt; each call doubles the following one up to the cap. */
    public long next() {
        long d = nextMs;
        nextMs = Math.min(capMs, nextMs * 2);
        return d;
    }

    public void reset() {
        nextMs = FIRST_MS;
    }
}
