package dev.gantry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RefreshPolicyTest {
    private final RefreshPolicy policy = RefreshPolicy.DEFAULT;

    @Test
    void aQuickCountIsRedoneEverySecond() {
        assertThat(policy.interval(Duration.ofMillis(3))).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.due(Duration.ofMillis(999), Duration.ofMillis(3))).isFalse();
        assertThat(policy.due(Duration.ofSeconds(1), Duration.ofMillis(3))).isTrue();
        assertThat(policy.inline(Duration.ofMillis(3))).isTrue();
    }

    @Test
    void aSlowCountWaitsTwentyTimesItsDurationAndRunsInTheBackground() {
        Duration took = Duration.ofMillis(300);

        assertThat(policy.interval(took)).isEqualTo(Duration.ofSeconds(6));
        assertThat(policy.due(Duration.ofMillis(5_999), took)).isFalse();
        assertThat(policy.due(Duration.ofSeconds(6), took)).isTrue();
        assertThat(policy.inline(took)).isFalse();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ofSeconds(1), 0, Duration.ZERO))
                .hasMessageContaining("durationFactor");
        assertThatThrownBy(() -> new RefreshPolicy(Duration.ofSeconds(-1), 20, Duration.ZERO))
                .hasMessageContaining("minInterval");
    }
}
