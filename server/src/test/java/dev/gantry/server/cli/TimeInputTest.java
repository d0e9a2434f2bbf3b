package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

class TimeInputTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsShortDurationsAndTheirSums() {
        assertThat(TimeInput.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(TimeInput.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TimeInput.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(TimeInput.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(TimeInput.duration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(TimeInput.duration("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(TimeInput.duration("0s")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "10", "10x", "m10", "1h 30m", "-5m", "PTfoo"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> TimeInput.duration(text)).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is not a duration");
    }

    @Test
    void readsIsoTimesWithAZone() {
        assertThat(TimeInput.instant("2026-01-01T10:00:00+01:00")).isEqualTo(Instant.parse("2026-01-01T09:00:00Z"));
        assertThatThrownBy(() -> TimeInput.instant("2026-01-01T10:00:00")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("with a zone");
    }

    @Test
    void aPastTimeIsATimeOrADurationAgo() {
        assertThat(TimeInput.pastInstant("2h", CLOCK)).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(TimeInput.pastInstant("2025-12-31T00:00:00Z", CLOCK)).isEqualTo(Instant.parse("2025-12-31T00:00:00Z"));
    }
}
