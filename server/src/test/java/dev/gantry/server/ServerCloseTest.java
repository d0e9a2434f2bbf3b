package dev.gantry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.testing.RunningServer;
import dev.gantry.server.testing.SseStream;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A server that stops ends its open streams first, while their requests are live. A stream left
 * open past the HTTP server's stop finished its recycled request through Javalin at its next
 * keep-alive, and Javalin failed on it in a loop that logged millions of lines (it slowed every
 * later test in the JVM, and a log shipper full of them dropped the lines a test waited for).
 */
@ExtendWith(PostgresExtension.class)
class ServerCloseTest {

    @Test
    void closingTheServerEndsItsOpenStreamsAtOnce(TestDatabase db) {
        db.reset();
        RunningServer s = RunningServer.start(db, false, 1 << 20);
        SseStream events = SseStream.open(s.baseUrl() + "/api/events", s.viewer, null);
        SseStream logs = SseStream.open(s.baseUrl() + "/api/logs/stream?tail=0", s.viewer, null);
        try {
            assertThat(events.status()).isEqualTo(200);
            assertThat(logs.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> s.server.eventClients() == 1);

            s.close();

            assertThat(s.server.eventClients()).as("event clients left after close").isZero();
        } finally {
            events.close();
            logs.close();
            s.close();
        }
    }
}
