package dev.gantry.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.gantry.error.InvalidInputException;

/**
 * A schedule's spec: when its ticks are. Either a cron expression read in a time zone, or a
 * fixed interval from an anchor (the schedule's first tick).
 *
 * <p>Cron ticks are wall-clock times: each local time the expression matches runs once. When
 * the clocks go forward, a time in the skipped hour runs at the first instant after it (02:30 on
 * the spring-forward night runs at 03:00); when they go back, a time that occurs twice runs at its
 * first occurrence only. Ticks that fall on one instant run once. The same rules as Vixie cron
 * for fixed times; a schedule that needs evenly spaced runs across a change uses UTC or an interval.
 */
public sealed interface ScheduleSpec {
    /** The longest interval a spec may have. */
    Duration LONGEST_INTERVAL = Duration.ofDays(366);

    /** The first tick strictly after {@code after}; empty when there is none (a cron that never matches again). */
    Optional<Instant> next(Instant after, Instant anchor);

    /** The last tick strictly before {@code before}, not before {@code anchor} (an interval's first tick). */
    Optional<Instant> previous(Instant before, Instant anchor);

    /** The first tick of a schedule whose spec was set at {@code setAt}. */
    default Optional<Instant> first(Instant setAt) {
        return next(setAt, null);
    }

    /**
     * Reads a spec as {@code gantry.set_schedule} accepts it: {@code every <n><s|m|h|d>} or a
     * cron expression of 5 fields or 6 (seconds first), in {@code timezone} (an IANA name).
     *
     * @throws InvalidInputException naming {@code spec} or {@code timezone}
     */
    static ScheduleSpec parse(String spec, String timezone) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidInputException("spec", "must not be empty: a cron expression such as \"0 2 * * 0\" or \"every 5m\"");
        }
        String s = spec.strip();
        if (s.startsWith("every")) return Every.parse(s);
        return Cron.parse(s, zone(timezone));
    }

    /** The zone of a spec, as gantry.check_time_zone accepts it. */
    static ZoneId zone(String timezone) {
        if (timezone == null || !timezone.matches("[A-Za-z][A-Za-z_]*(/[A-Za-z0-9_+-]+){0,2}")) {
            throw new InvalidInputException("timezone", "must be an IANA time zone such as UTC, Europe/Paris or America/New_York, got "
                    + (timezone == null ? "null" : "\"" + timezone + "\""));
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidInputException("timezone", "unknown time zone \"" + timezone + "\"");
        }
    }

    /** {@code every <n><unit>}: ticks at anchor + k * period. */
    record Every(Duration period) implements ScheduleSpec {
        private static final Pattern FORM = Pattern.compile("every ([1-9][0-9]{0,7})([smhd])");

        static Every parse(String s) {
            Matcher m = FORM.matcher(s);
            if (!m.matches()) {
                throw new InvalidInputException("spec", "\"" + s + "\" is not an interval: write every <n><unit>, "
                        + "unit s, m, h or d, such as \"every 30s\" or \"every 5m\"");
            }
            long n = Long.parseLong(m.group(1));
            Duration period = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (period.compareTo(LONGEST_INTERVAL) > 0) {
                throw new InvalidInputException("spec", "\"" + s + "\" is longer than 366 days");
            }
            return new Every(period);
        }

        @Override
        public Optional<Instant> next(Instant after, Instant anchor) {
            if (anchor == null || after.isBefore(anchor)) return Optional.of(anchor == null ? after.plus(period) : anchor);
            long k = Duration.between(anchor, after).toNanos() / period.toNanos() + 1;
            return Optional.of(anchor.plus(period.multipliedBy(k)));
        }

        @Override
        public Optional<Instant> previous(Instant before, Instant anchor) {
            if (!anchor.isBefore(before)) return Optional.empty();
            long k = (Duration.between(anchor, before).toNanos() - 1) / period.toNanos();
            return Optional.of(anchor.plus(period.multipliedBy(k)));
        }
    }

    /**
     * A cron expression in a zone. cron-utils matches the fields on local date-times (evaluated
     * in UTC, where every local time exists once); {@link #instant} maps each to its instant
     * with the rules in the interface's comment.
     */
    record Cron(String expression, ZoneId zone, ExecutionTime times) implements ScheduleSpec {
        /** Unix cron (minute hour day-of-month month day-of-week, 0 or 7 Sunday, names, ranges, steps, lists). */
        private static final CronParser FIVE = new CronParser(fields(false));
        /** The same with seconds first. */
        private static final CronParser SIX = new CronParser(fields(true));
        /** At most this many candidate times are passed over to find one tick (an every-second cron across an hour repeated). */
        private static final int MAX_STEPS = 100_000;

        private static CronDefinition fields(boolean seconds) {
            var b = CronDefinitionBuilder.defineCron();
            if (seconds) b = b.withSeconds().withValidRange(0, 59).withStrictRange().and();
            return b.withMinutes().withValidRange(0, 59).withStrictRange().and()
                    .withHours().withValidRange(0, 23).withStrictRange().and()
                    .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                    .withMonth().withValidRange(1, 12).withStrictRange().and()
                    .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                    .instance();
        }

        static Cron parse(String s, ZoneId zone) {
            String[] fields = s.split("\\s+");
            if (fields.length != 5 && fields.length != 6) {
                throw new InvalidInputException("spec", "\"" + s + "\" has " + fields.length + " fields: a cron expression has 5 "
                        + "(minute hour day-of-month month day-of-week) or 6 (second first), an interval is every <n><s|m|h|d>");
            }
            if (s.length() > 200) throw new InvalidInputException("spec", "is over 200 characters");
            ExecutionTime times;
            try {
                times = ExecutionTime.forCron((fields.length == 5 ? FIVE : SIX).parse(String.join(" ", fields)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("spec", "\"" + s + "\" is not a cron expression: " + e.getMessage());
            }
            Cron cron = new Cron(String.join(" ", fields), zone, times);
            if (times.nextExecution(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)).isEmpty()) {
                throw new InvalidInputException("spec", "\"" + s + "\" never runs: no month it names has that day");
            }
            return cron;
        }

        @Override
        public Optional<Instant> next(Instant after, Instant anchor) {
            LocalDateTime local = LocalDateTime.ofInstant(after, zone);
            for (int i = 0; i < MAX_STEPS; i++) {
                Optional<ZonedDateTime> n = times.nextExecution(local.atZone(ZoneOffset.UTC));
                if (n.isEmpty()) return Optional.empty();
                local = n.get().toLocalDateTime();
                Instant t = instant(local);
                if (t.isAfter(after)) return Optional.of(t);
            }
            throw new IllegalStateException("no tick of \"" + expression + "\" found after " + after);
        }

        @Override
        public Optional<Instant> previous(Instant before, Instant anchor) {
            // In the second pass of a repeated hour, local times after this one still map to
            // earlier instants (their first pass): start from the end of the repeat.
            LocalDateTime local = LocalDateTime.ofInstant(before, zone);
            ZoneOffsetTransition t0 = zone.getRules().previousTransition(before.plusNanos(1));
            if (t0 != null && t0.isOverlap() && local.isBefore(t0.getDateTimeBefore())) local = t0.getDateTimeBefore();
            for (int i = 0; i < MAX_STEPS; i++) {
                Optional<ZonedDateTime> p = times.lastExecution(local.atZone(ZoneOffset.UTC));
                if (p.isEmpty()) return Optional.empty();
                local = p.get().toLocalDateTime();
                Instant t = instant(local);
                if (t.isBefore(before)) return Optional.of(t);
            }
            throw new IllegalStateException("no tick of \"" + expression + "\" found before " + before);
        }

        /** A wall-clock time's instant: in a gap, the end of the gap; in an overlap, the first occurrence. */
        Instant instant(LocalDateTime local) {
            ZoneRules rules = zone.getRules();
            if (rules.getValidOffsets(local).isEmpty()) return rules.getTransition(local).getInstant();
            return ZonedDateTime.ofLocal(local, zone, null).toInstant();
        }
    }
}
