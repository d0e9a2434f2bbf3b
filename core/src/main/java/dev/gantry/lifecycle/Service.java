package dev.gantry.lifecycle;

import java.time.Duration;

/**
 * A long-running component. {@code start()} returns once running or throws; {@code stop} is
 * idempotent, safe before start, and returns only when the component has fully stopped.
 */
public interface Service {
    void start();

    void stop(Duration timeout);
}
