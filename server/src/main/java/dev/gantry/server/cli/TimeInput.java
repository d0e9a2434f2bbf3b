package dev.gantry.server.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Times and durations typed on the command line. A duration is {@code 500ms}, {@code 30s},
 * {@code 10m}, {@code 2h}, {@code 1d}, a sum of them ({@code 1h30m}) or ISO-8601 ({@code PT10M}).
 * A time is ISO-8601 with a zone ({@code 2026-01-01T09:00:00Z}, {@code 2026-01-01T10:00:00+01:00})
 * or, where a past time is meant, a duration read as "that long ago".
 */
final class TimeInput {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private TimeInput() {
    }

    static Duration duration(String text) {
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + text + "' is not a duration (like 30s, 10m, 1h30m or PT10M)");
            }
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new TypeConversionException("'" + text + "' is not a duration (like 30s, 10m, 1h30m or PT10M)");
        }
        return total;
    }

    static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not an ISO-8601 time with a zone (like 2026-01-01T09:00:00Z)");
        }
    }

    /** A time, or a duration meaning that long before now. */
    static Instant pastInstant(String text, Clock clock) {
        // Durations have neither dashes nor colons; ISO times have both.
        if (text.contains("-") || text.contains(":")) return instant(text);
        return clock.instant().minus(duration(text));
    }

    /** Picocli converter for duration options. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    /** Picocli converter for absolute time options. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return instant(value);
        }
    }

    /** Picocli converter for "since"-style options: a time, or a duration ago. */
    static final class PastInstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return pastInstant(value, Clock.systemUTC());
        }
    }
}
