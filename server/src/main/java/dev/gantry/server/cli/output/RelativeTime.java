package dev.gantry.server.cli.output;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Times for people: "12s ago", "in 5m", "3h ago", "2d ago"; exact times stay available in
 * ISO form in {@code show} output and JSON. Measured against this machine's clock.
 */
public final class RelativeTime {
    private final Clock clock;

    public RelativeTime(Clock clock) {
        this.clock = clock;
    }

    public static RelativeTime system() {
        return new RelativeTime(Clock.systemUTC());
    }

    public Instant now() {
        return clock.instant();
    }

    /** "12s ago" for the past, "in 5m" for the future, "-" for null. */
    public String of(Instant t) {
        if (t == null) return "-";
        Duration d = Duration.between(t, now());
        if (d.isNegative()) return "in " + span(d.negated());
        return span(d) + " ago";
    }

    /** The ISO time followed by the relative one: {@code 2026-01-01T10:00:00Z (3m ago)}. */
    public String exact(Instant t) {
        return t == null ? "-" : t + " (" + of(t) + ")";
    }

    /** A duration in its largest whole unit: 850ms, 12s, 5m, 3h, 2d. */
    public static String span(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        long s = d.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m";
        if (s < 86_400) return (s / 3600) + "h";
        return (s / 86_400) + "d";
    }
}
