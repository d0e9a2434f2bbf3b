package dev.gantry.job;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** How long to wait before the next attempt, given the attempt that just failed (1-based). */
@FunctionalInterface
public interface RetryPolicy {
    Duration backoff(int failedAttempt, RandomGenerator random);
}
