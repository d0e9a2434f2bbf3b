package dev.gantry.backend;

import java.time.Duration;

/**
 * When {@link StatsReader} counts the jobs table again. Counts are served from the last count
 * until {@link #interval} has passed since it started: at least {@code minInterval}, and at least
 * {@code durationFactor} times as long as that count took, so a slow count on a huge table costs
 * at most 1/factor of a core (5 % at 20) while a small table stays fresh to the second. A count
 * that took less than {@code inlineLimit} is redone by the caller that finds it due; a slower one
 * is redone in the background while callers get the previous counts (zero: always in the background),
 * and kept in the database for the next reader that starts (CachedStatsReader, V008).
 */
public record RefreshPolicy(Duration minInterval, int durationFactor, Duration inlineLimit) {
    public static final RefreshPolicy DEFAULT = new RefreshPolicy(Duration.ofSeconds(1), 20, Duration.ofMillis(50));

    public RefreshPolicy {
        if (minInterval == null || minInterval.isNegative()) throw new IllegalArgumentException("minInterval: must be >= 0");
        if (durationFactor < 1) throw new IllegalArgumentException("durationFactor: must be >= 1");
        if (inlineLimit == null || inlineLimit.isNegative()) throw new IllegalArgumentException("inlineLimit: must be >= 0");
    }

    /** How long counts that took {@code took} to make are served before they are due again. */
    public Duration interval(Duration took) {
        Duration scaled = took.multipliedBy(durationFactor);
        return scaled.compareTo(minInterval) > 0 ? scaled : minInterval;
    }

    /** Whether counts that took {@code took} and started {@code age} ago are due. */
    public boolean due(Duration age, Duration took) {
        return age.compareTo(interval(took)) >= 0;
    }

    /** Whether the caller that finds counts due recounts itself (else it is done in the background). */
    public boolean inline(Duration took) {
        return took.compareTo(inlineLimit) < 0;
    }
}
