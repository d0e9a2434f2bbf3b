package dev.gantry.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.client.RawJson;
import dev.gantry.error.InvalidInputException;

/**
 * The body of {@code POST /api/jobs} and each element of {@code POST /api/jobs/batch}. Only
 * {@code kind} is required; the rest default as in the Java client (queue "default", priority 0,
 * now, 20 attempts). {@code delay_ms} is the relative alternative to {@code run_at}.
 */
public record EnqueueRequest(String kind, JsonNode args, String queue, Integer priority, Instant runAt, Long delayMs,
                             Integer maxAttempts, String uniqueKey, List<String> tags, Long timeoutMs, String uniqueWhile,
                             String limitKey) {

    /** The batch body. */
    public record Batch(List<EnqueueRequest> jobs) {
    }

    JobRequest toJobRequest() {
        if (kind == null) throw new InvalidInputException("kind", "is required");
        if (args != null && !args.isNull() && !args.isObject()) {
            throw new InvalidInputException("args", "must be a JSON object, got " + args.getNodeType().name().toLowerCase());
        }
        if (runAt != null && delayMs != null) throw new InvalidInputException("run_at", "give run_at or delay_ms, not both");
        if (delayMs != null && delayMs < 0) throw new InvalidInputException("delay_ms", "must not be negative, got " + delayMs);
        if (timeoutMs != null && timeoutMs < 1) throw new InvalidInputException("timeout_ms", "must be positive, got " + timeoutMs);
        EnqueueOptions o = new EnqueueOptions(queue == null ? EnqueueOptions.DEFAULT_QUEUE : queue,
                priority == null ? 0 : priority, runAt, delayMs == null ? null : Duration.ofMillis(delayMs),
                maxAttempts, timeoutMs == null ? null : Duration.ofMillis(timeoutMs), tags, uniqueKey, uniqueWhile, limitKey);
        return new JobRequest(kind, new RawJson(args == null || args.isNull() ? "{}" : args.toString()), o);
    }
}
