package dev.gantry.job;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * {@code min(cap, base * multiplier^(attempt-1))}, then spread by +/- {@code jitter} (a fraction)
 * so that jobs failing together do not retry together. The jittered value never exceeds the cap.
 * The default matches the SQL API's {@code gantry.backoff()}.
 *
 * <p>Seed 004's notification worker is {@code new ExponentialBackoff(Duration.ofSeconds(30), 2.0, Duration.ofSeconds(900), 0.1)}.
 */
public record ExponentialBackoff(Duration base, double multiplier, Duration cap, double jitter) implements RetryPolicy {
    public static final Duration DEFAULT_BASE = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_CAP = Duration.ofHours(1);
    public static final double DEFAULT_JITTER = 0.1;
    public static final ExponentialBackoff DEFAULT =
            new ExponentialBackoff(DEFAULT_BASE, DEFAULT_MULTIPLIER, DEFAULT_CAP, DEFAULT_JITTER);

    public ExponentialBackoff {
        if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("base must be > 0");
        if (multiplier < 1.0) throw new IllegalArgumentException("multiplier must be >= 1");
        if (cap.compareTo(base) < 0) throw new IllegalArgumentException("cap must be >= base");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
    }

    /** The backoff before jitter. */
    public Duration nominal(int failedAttempt) {
        if (failedAttempt < 1) throw new IllegalArgumentException("failedAttempt must be >= 1");
        double millis = base.toMillis() * Math.pow(multiplier, failedAttempt - 1);
        return Duration.ofMillis((long) Math.min(cap.toMillis(), millis));
    }

    @Override
    public Duration backoff(int failedAttempt, RandomGenerator random) {
        long nominal = nominal(failedAttempt).toMillis();
        double factor = 1.0 + jitter * (2 * random.nextDouble() - 1);
        long jittered = Math.min(cap.toMillis(), Math.round(nominal * factor));
        return Duration.ofMillis(Math.max(0, jittered));
    }
}
