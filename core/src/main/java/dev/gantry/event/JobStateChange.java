package dev.gantry.event;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.job.JobState;

/**
 * One job's state change, as the jobs triggers announce it on the channel
 * {@code <schema>.job_events} (docs/events.md). {@code from} is null for an inserted job, {@code to}
 * null for a deleted one.
 *
 * <pre>{@code
 * notifier.subscribe(schema.jobEventsChannel(), payload -> {
 *     if (payload == null) return;   // the listener reconnected: events may have been missed
 *     for (JobStateChange c : JobStateChange.parse(payload)) show(c);
 * });
 * }</pre>
 */
public record JobStateChange(long jobId, String queue, String kind, JobState from, JobState to, int attempt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The changes of one notification payload, {@code {"events":[[id,"queue","kind","from","to",attempt], ...]}}. */
    public static List<JobStateChange> parse(String payload) {
        try {
            JsonNode events = JSON.readTree(payload).path("events");
            if (!events.isArray()) throw new IllegalArgumentException("job events payload without an events array");
            List<JobStateChange> out = new ArrayList<>(events.size());
            for (JsonNode e : events) {
                out.add(new JobStateChange(e.get(0).asLong(), e.get(1).asText(), e.get(2).asText(), state(e.get(3)),
                        state(e.get(4)), e.get(5).asInt()));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed job events payload: " + e.getOriginalMessage(), e);
        }
    }

    private static JobState state(JsonNode node) {
        return node == null || node.isNull() ? null : JobState.fromDb(node.asText());
    }
}
