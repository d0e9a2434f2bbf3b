package dev.gantry.lifecycle;

import java.util.function.BooleanSupplier;

/**
 * The error boundary of a component that runs its own loop on a thread (a fetcher, the
 * completer, the listener): when the loop throws, the failure is reported through its
 * {@link Component} and the loop runs again after a backoff, until the component is stopping.
 * A fatal JVM error (out of memory) marks the component DOWN and ends the thread.
 */
public final class RestartingLoop {
    private static final long STOP_CHECK_MS = 50;

    /** A loop body: runs until the component stops (then returns) or fails (then throws). */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private RestartingLoop() {
    }

    /** Runs {@code body} until it returns or {@code stopping}; restarts after 100 ms, doubling up to {@code maxBackoffMs}. */
    public static void run(Component component, BooleanSupplier stopping, Body body, long maxBackoffMs) {
        Backoff backoff = new Backoff(maxBackoffMs);
        while (!stopping.getAsBoolean()) {
            long startedNanos = System.nanoTime();
            try {
                body.run();
                if (stopping.getAsBoolean()) return;
                // An interrupt from elsewhere can end a loop's wait; only a stop may end the loop.
                throw new IllegalStateException("its loop ended without being stopped");
            } catch (Exception | StackOverflowError | LinkageError | AssertionError e) {
                if (stopping.getAsBoolean()) return;
                Thread.interrupted();   // a stray interrupt is not a stop: only the stopping flag is
                // A loop that ran well for a while before failing starts its backoff afresh.
                if (System.nanoTime() - startedNanos > maxBackoffMs * 2_000_000) backoff.reset();
                long delay = backoff.next();
                component.failed(e, delay);
                if (!pause(delay, stopping)) return;
            } catch (Error e) {
                component.down(e);
                throw e;
            }
        }
    }

    /** Sleeps for the backoff in short slices so a stop is seen soon; false when stopping. */
    private static boolean pause(long ms, BooleanSupplier stopping) {
        long until = System.nanoTime() + ms * 1_000_000;
        while (!stopping.getAsBoolean()) {
            long left = (until - System.nanoTime()) / 1_000_000;
            if (left <= 0) return true;
            try {
                Thread.sleep(Math.min(left, STOP_CHECK_MS));
            } catch (InterruptedException e) {
                if (stopping.getAsBoolean()) return false;
            }
        }
        return false;
    }
}
