package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.testing.RunningServer;
import dev.gantry.server.testing.SseStream;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** The live streams: events and logs, followed over real HTTP, resumed with Last-Event-ID. */
@ExtendWith(PostgresExtension.class)
class StreamsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private RunningServer s;
    private TestDatabase db;

    @BeforeEach
    void start(TestDatabase db) {
        this.db = db;
        db.reset();
        db.execute("DELETE FROM gantry.worker_logs");
        s = RunningServer.start(db, true, 1 << 20);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void commandAndItsAcknowledgementAreStreamedAndMissedEventsReplayed() {
        String workerId = s.server.worker().health().workerId();
        String firstId;
        try (SseStream events = SseStream.open(s.baseUrl() + "/api/events?types=commands,workers", s.viewer, null)) {
            assertThat(events.status()).isEqualTo(200);
            s.http.post("/api/workers/" + workerId + "/commands", s.operator, "{\"command\":\"pause_queue\",\"payload\":{\"queue\":\"default\"}}");
            SseStream.Event ack = events.await(WAIT, e -> e.type().equals("command")
                    && e.json().path("status").asText().equals("processed"));
            assertThat(ack.json().path("worker_id").asText()).isEqualTo(workerId);
            assertThat(ack.json().path("command").asText()).isEqualTo("pause_queue");
            SseStream.Event paused = events.await(WAIT, e -> e.type().equals("worker")
                    && e.json().path("queues").get(0).path("paused").asBoolean());
            assertThat(paused.json().path("id").asText()).isEqualTo(workerId);
            firstId = ack.id();
        }
        // While nobody listens, the queue is resumed; a client resuming from the ack gets what it missed.
        s.http.post("/api/workers/" + workerId + "/commands?wait_ms=5000", s.operator,
                "{\"command\":\"resume_queue\",\"payload\":{\"queue\":\"default\"}}");
        try (SseStream resumed = SseStream.open(s.baseUrl() + "/api/events?types=commands", s.viewer, firstId)) {
            SseStream.Event missed = resumed.await(WAIT, e -> e.type().equals("command")
                    && e.json().path("command").asText().equals("resume_queue")
                    && e.json().path("status").asText().equals("processed"));
            assertThat(missed.id()).isNotEqualTo(firstId);
            assertThat(resumed.events()).noneMatch(e -> e.id() != null && e.id().equals(firstId));
        }
        try (SseStream foreign = SseStream.open(s.baseUrl() + "/api/events", s.viewer, "other-process-7")) {
            foreign.await(WAIT, e -> e.type().equals("reset"));
        }
    }

    @Test
    void logLinesOfAJobArriveLiveAndResumeAfterTheLastId() {
        try (SseStream logs = SseStream.open(s.baseUrl() + "/api/logs/stream?tail=0&level=INFO", s.viewer, null)) {
            assertThat(logs.status()).isEqualTo(200);
            long job = s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"first line from the job\"]}}")
                    .json().path("id").asLong();
            SseStream.Event line = logs.await(WAIT, e -> e.type().equals("log")
                    && e.json().path("message").asText().equals("first line from the job"));
            assertThat(line.json().path("job_id").asLong()).isEqualTo(job);
            assertThat(line.id()).isEqualTo(line.json().path("id").asText());

            long second = s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"second line\"]}}")
                    .json().path("id").asLong();
            try (SseStream resumed = SseStream.open(s.baseUrl() + "/api/logs/stream?level=INFO", s.viewer, line.id())) {
                awaitExplained(resumed, "second line", second);
                assertThat(resumed.events()).noneMatch(e -> e.json().path("message").asText().equals("first line from the job"));
            }
        }
        try (SseStream byJob = SseStream.open(s.baseUrl() + "/api/logs/stream?job_id=999999&tail=50", s.viewer, null)) {
            s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"third line\"]}}");
            assertThat(s.http.get("/api/logs?q=third", s.viewer).status()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
                    s.http.get("/api/logs?q=third%20line", s.viewer).json().path("logs").size() == 1);
            assertThat(byJob.events()).isEmpty();
        }
    }

    /** Waits for the line; if it never comes, fails with what the job and the log table say, so the cause shows. */
    private void awaitExplained(SseStream stream, String message, long jobId) {
        try {
            stream.await(WAIT, e -> e.json().path("message").asText().equals(message));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no \"" + message + "\" on the stream; job " + jobId + " is "
                    + db.queryString("SELECT state || ' attempt ' || attempt || ' by ' || coalesce(worker_id, '-') FROM gantry.jobs WHERE id = ?", jobId)
                    + "; log rows: " + db.queryString("SELECT string_agg(id || ' ' || worker_id || ' ' || level || ' ' || message, '; ' ORDER BY id) FROM gantry.worker_logs")
                    + "; received: " + stream.events().size() + " events, status " + stream.status(), e);
        }
    }
}
