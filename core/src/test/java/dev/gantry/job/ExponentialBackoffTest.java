package dev.gantry.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void doublesFromTheBaseUntilTheCapWithoutJitter() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofSeconds(30), 2.0, Duration.ofSeconds(900), 0);

        assertThat(b.backoff(1, random)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.backoff(2, random)).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.backoff(5, random)).isEqualTo(Duration.ofSeconds(480));
        assertThat(b.backoff(6, random)).isEqualTo(Duration.ofSeconds(900));
        assertThat(b.backoff(60, random)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void jitterStaysWithinItsBoundsAndNeverExceedsTheCap() {
        ExponentialBackoff b = ExponentialBackoff.DEFAULT;
        for (int attempt = 1; attempt <= 40; attempt++) {
            long nominal = b.nominal(attempt).toMillis();
            for (int i = 0; i < 500; i++) {
                long ms = b.backoff(attempt, random).toMillis();
                assertThat(ms).isBetween(Math.round(nominal * 0.9), Math.min(b.cap().toMillis(), Math.round(nominal * 1.1)));
            }
        }
    }

    @Test
    void jitterActuallySpreadsRetries() {
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToLong(i -> ExponentialBackoff.DEFAULT.backoff(3, random).toMillis()).distinct().count();

        assertThat(distinct).isGreaterThan(50);
    }

    @Test
    void nominalBackoffNeverDecreases() {
        ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(250), 1.7, Duration.ofHours(2), 0.2);
        for (int attempt = 1; attempt < 100; attempt++) {
            assertThat(b.nominal(attempt + 1)).isGreaterThanOrEqualTo(b.nominal(attempt));
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ZERO, 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("base");
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 0))
                .hasMessageContaining("cap");
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1.5))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> ExponentialBackoff.DEFAULT.nominal(0)).hasMessageContaining("failedAttempt");
    }
}
