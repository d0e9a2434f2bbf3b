package dev.gantry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.error.InvalidInputException;

class ScheduleSpecTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static List<String> ticks(String spec, String zone, String fromLocal, int n) {
        ScheduleSpec s = ScheduleSpec.parse(spec, zone);
        Instant t = LocalDateTime.parse(fromLocal).atZone(ZoneId.of(zone)).toInstant();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t = s.next(t, null).orElseThrow();
            out.add(t.atZone(ZoneId.of(zone)).toOffsetDateTime().toString());
        }
        return out;
    }

    @Test
    void aTimeInTheSkippedHourRunsOnceWhenTheHourEnds() {
        // 2026-03-08: New York's clocks go from 02:00 EST to 03:00 EDT.
        assertThat(ticks("30 2 * * *", "America/New_York", "2026-03-06T12:00", 3))
                .containsExactly("2026-03-07T02:30-05:00", "2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00");
        // every half hour: 02:00 and 02:30 do not exist; both run once, at 03:00, then 03:30
        assertThat(ticks("*/30 * * * *", "America/New_York", "2026-03-08T01:00", 4))
                .containsExactly("2026-03-08T01:30-05:00", "2026-03-08T03:00-04:00", "2026-03-08T03:30-04:00",
                        "2026-03-08T04:00-04:00");
    }

    @Test
    void aTimeInTheRepeatedHourRunsAtItsFirstOccurrenceOnly() {
        // 2026-11-01: 02:00 EDT becomes 01:00 EST, so 01:00 to 01:59 happen twice.
        assertThat(ticks("30 1 * * *", "America/New_York", "2026-10-31T12:00", 2))
                .containsExactly("2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00");
        assertThat(ticks("0 * * * *", "America/New_York", "2026-11-01T00:30", 3))
                .containsExactly("2026-11-01T01:00-04:00", "2026-11-01T02:00-05:00", "2026-11-01T03:00-05:00");
    }

    @Test
    void previousFromTheSecondPassOfARepeatedHourFindsTheFirstPass() {
        ScheduleSpec s = ScheduleSpec.parse("*/15 * * * *", "America/New_York");
        Instant secondPass = ZonedDateTime.ofLocal(LocalDateTime.parse("2026-11-01T01:20"), NEW_YORK, ZoneOffset.ofHours(-5)).toInstant();
        assertThat(s.previous(secondPass, null).orElseThrow().atZone(NEW_YORK).toOffsetDateTime())
                .hasToString("2026-11-01T01:45-04:00");
    }

    @Test
    void sixFieldsHaveSecondsFirstAndTheDaysMatchEitherField() {
        assertThat(ticks("*/20 * * * * *", "UTC", "2026-12-06T10:00", 3))
                .containsExactly("2026-12-06T10:00:20Z", "2026-12-06T10:00:40Z", "2026-12-06T10:01Z");
        // Vixie cron: with both day fields restricted a day matching either runs (the 1st, or a Monday)
        assertThat(ticks("0 0 1 * MON", "UTC", "2026-11-29T12:00", 3))
                .containsExactly("2026-11-30T00:00Z", "2026-12-01T00:00Z", "2026-12-07T00:00Z");
        assertThat(ticks("0 0 * * 7", "UTC", "2026-12-06T12:00", 1)).containsExactly("2026-12-13T00:00Z");
    }

    @Test
    void intervalsCountFromTheirAnchor() {
        ScheduleSpec s = ScheduleSpec.parse("every 90s", "UTC");
        Instant anchor = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(s.first(anchor)).contains(Instant.parse("2026-12-06T10:01:30Z"));
        assertThat(s.next(anchor, anchor)).contains(Instant.parse("2026-12-06T10:01:30Z"));
        assertThat(s.next(Instant.parse("2026-12-06T10:05:00Z"), anchor)).contains(Instant.parse("2026-12-06T10:06:00Z"));
        assertThat(s.next(Instant.parse("2026-12-06T09:00:00Z"), anchor)).contains(anchor);
        assertThat(s.previous(Instant.parse("2026-12-06T10:06:00Z"), anchor)).contains(Instant.parse("2026-12-06T10:04:30Z"));
        assertThat(s.previous(anchor, anchor)).isEmpty();
        assertThat(ScheduleSpec.parse("every 1d", "Europe/Paris")).isEqualTo(new ScheduleSpec.Every(Duration.ofDays(1)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                   | must not be empty",
            "every 5              | is not an interval",
            "every 0s             | is not an interval",
            "every 5w             | is not an interval",
            "every 367d           | longer than 366 days",
            "* * * *              | has 4 fields",
            "0 0 * * * * *        | has 7 fields",
            "60 * * * *           | not a cron expression",
            "*/0 * * * *          | not a cron expression",
            "5-1 * * * *          | not a cron expression",
            "0 0 L * *            | not a cron expression",
            "0 0 ? * *            | not a cron expression",
            "@daily               | has 1 fields",
            "0 0 30 2 *           | never runs"})
    void badSpecsAreRefusedNamingTheSpec(String spec, String message) {
        assertThatThrownBy(() -> ScheduleSpec.parse(spec, "UTC")).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo("spec");
            assertThat(e.reason()).contains(message);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus", "EST", "UTC+5", "", "Europe/Paris/../x"})
    void badTimeZonesAreRefused(String zone) {
        assertThatThrownBy(() -> ScheduleSpec.parse("0 * * * *", zone)).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("timezone"));
    }

    /**
     * The rules as a property, against a minute-by-minute scan: over random five-field crons, in
     * zones with and without clock changes (Lord Howe's moves by 30 minutes), the ticks across a
     * spring-forward and a fall-back are exactly: every instant whose local time matches and is
     * that local time's first occurrence, plus the end of a gap whose skipped times include a
     * match. And previous() walks the same ticks backwards.
     */
    @Test
    void ticksAcrossClockChangesAreEveryMatchingWallTimeOnce() {
        Random random = new Random(20261206);
        String[] zones = {"America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Australia/Sydney", "Asia/Kolkata",
                "UTC", "America/Santiago"};
        int checked = 0;
        for (int round = 0; round < 42; round++) {
            String cron = randomCron(random);
            ZoneId zone = ZoneId.of(zones[round % zones.length]);
            var transition = zone.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z").plus(random.nextInt(300), ChronoUnit.DAYS));
            Instant center = transition == null ? Instant.parse("2026-06-01T00:00:00Z") : transition.getInstant();
            Instant from = center.minus(Duration.ofHours(20));
            Instant to = center.plus(Duration.ofHours(20));
            TreeSet<Instant> expected = scan(cron, zone, from, to);

            ScheduleSpec.Cron spec = (ScheduleSpec.Cron) ScheduleSpec.parse(cron, zone.getId());
            List<Instant> actual = new ArrayList<>();
            Optional<Instant> t = spec.next(from, null);
            while (t.isPresent() && t.get().isBefore(to)) {
                actual.add(t.get());
                t = spec.next(t.get(), null);
            }
            assertThat(actual).as("%s in %s around %s", cron, zone, center).containsExactlyElementsOf(expected.tailSet(from, false));
            for (int i = 1; i < actual.size(); i++) {
                assertThat(spec.previous(actual.get(i), null)).as("previous of %s, %s in %s", actual.get(i), cron, zone)
                        .contains(actual.get(i - 1));
            }
            checked += actual.size();
        }
        assertThat(checked).isGreaterThan(1000);
    }

    /** The expected ticks by brute force: every minute of [from, to) in the zone. */
    private static TreeSet<Instant> scan(String cron, ZoneId zone, Instant from, Instant to) {
        var times = ((ScheduleSpec.Cron) ScheduleSpec.parse(cron, "UTC")).times();
        var rules = zone.getRules();
        TreeSet<Instant> out = new TreeSet<>();
        for (Instant i = from; i.isBefore(to); i = i.plus(Duration.ofMinutes(1))) {
            LocalDateTime local = LocalDateTime.ofInstant(i, zone);
            boolean first = rules.getValidOffsets(local).size() == 1 || rules.getOffset(i).equals(rules.getValidOffsets(local).getFirst());
            if (first && times.isMatch(local.atZone(ZoneOffset.UTC))) out.add(i);
            // i is the instant a gap ends: does any skipped local minute match?
            var previousTransition = rules.previousTransition(i.plusNanos(1));
            if (previousTransition != null && previousTransition.getInstant().equals(i) && previousTransition.isGap()) {
                for (LocalDateTime g = previousTransition.getDateTimeBefore(); g.isBefore(previousTransition.getDateTimeAfter());
                     g = g.plusMinutes(1)) {
                    if (times.isMatch(g.atZone(ZoneOffset.UTC))) out.add(i);
                }
            }
        }
        return out;
    }

    private static String randomCron(Random r) {
        String minute = switch (r.nextInt(4)) {
            case 0 -> "*/" + (5 + r.nextInt(26));
            case 1 -> Integer.toString(r.nextInt(60));
            case 2 -> r.nextInt(30) + "," + (30 + r.nextInt(30));
            default -> "*";
        };
        String hour = switch (r.nextInt(4)) {
            case 0 -> "*";
            case 1 -> Integer.toString(r.nextInt(24));
            case 2 -> r.nextInt(3) + "-" + (2 + r.nextInt(3));
            default -> "*/" + (1 + r.nextInt(5));
        };
        String dom = r.nextInt(4) == 0 ? Integer.toString(1 + r.nextInt(28)) : "*";
        String dow = r.nextInt(4) == 0 ? Integer.toString(r.nextInt(8)) : "*";
        return minute + " " + hour + " " + dom + " * " + dow;
    }
}
