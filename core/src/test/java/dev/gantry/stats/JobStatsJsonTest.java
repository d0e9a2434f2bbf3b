package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import dev.gantry.Gantry;

/** The snapshot serializes with plain names, as the server's snake_case mapper writes it. */
class JobStatsJsonTest {

    @Test
    void serializesWithPlainSnakeCaseNames() throws Exception {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        WindowStats w = new WindowStats("1m", 60, t, 1, 1, 0, 0, 0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
        MinutePoint m = new MinutePoint(t, 1, 1, 0, 0, 0, 2.0, 3.0, 5.0);
        StateCounts c = new StateCounts(0, 1, 2, 3, 4, 5, 6, 7);
        JobStats stats = new JobStats(t, t, c, 1.5, List.of(w), List.of(m),
                List.of(new QueueStats("mail", c, 1.5, List.of(w), List.of(m))));

        JsonNode json = Gantry.defaultObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .valueToTree(stats);

        assertThat(json.fieldNames()).toIterable().containsExactly("generated_at", "counts_as_of", "totals",
                "oldest_available_age_seconds", "windows", "minutes", "queues");
        assertThat(json.get("generated_at").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(json.get("totals").fieldNames()).toIterable().containsExactly("pending", "scheduled", "available",
                "running", "retryable", "completed", "discarded", "cancelled");
        assertThat(json.get("windows").get(0).fieldNames()).toIterable().contains("throughput_per_second",
                "success_rate", "pickup_latency_p95_ms", "run_time_p99_ms", "from");
        assertThat(json.get("queues").get(0).get("minutes").get(0).get("pickup_latency_avg_ms").asDouble()).isEqualTo(2.0);
    }
}
