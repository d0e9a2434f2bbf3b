package dev.gantry.server.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The hub follows the change feed, and so keeps the database announcing job events, only while
 * it has clients and for its linger after the last one left (docs/adr/0015-job-events-on-demand.md).
 */
@ExtendWith(PostgresExtension.class)
class EventHubTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final class Sink implements EventSink {
        final List<SseEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void offer(SseEvent e) {
            events.add(e);
        }

        SseEvent firstOf(String type) {
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type().equals(type)));
            return events.stream().filter(e -> e.type().equals(type)).findFirst().orElseThrow();
        }
    }

    @Test
    void followsTheFeedWhileClientsAreConnectedAndLetsGoAfterTheLinger(TestDatabase db) {
        db.reset();
        db.execute("DELETE FROM gantry.job_event_subscribers");
        db.execute("SELECT gantry.declare_kind('hub.test')");
        try (Gantry gantry = db.client(); EventHub hub = new EventHub(gantry.changes(), Duration.ofMillis(300))) {
            assertThat(hub.following()).isFalse();
            assertThat(subscribers(db)).isZero();

            Sink first = new Sink();
            hub.subscribe(first, null);
            assertThat(hub.following()).isTrue();
            assertThat(subscribers(db)).as("the database announces job events now").isEqualTo(1);
            await().atMost(WAIT).until(() -> {
                gantry.client().enqueue("hub.test", Map.of());
                return first.events.stream().anyMatch(e -> e.type().equals("jobs"));
            });
            String lastId = first.firstOf("jobs").id();

            // a client that reconnects within the linger resumes: no reset
            hub.unsubscribe(first);
            Sink back = new Sink();
            hub.subscribe(back, lastId);
            gantry.client().enqueue("hub.test", Map.of());
            back.firstOf("jobs");
            assertThat(back.events).noneMatch(e -> e.type().equals("reset"));

            hub.unsubscribe(back);
            await().atMost(WAIT).until(() -> !hub.following());
            await().atMost(WAIT).until(() -> subscribers(db) == 0);

            Sink late = new Sink();
            hub.subscribe(late, lastId);
            assertThat(late.events).first().extracting(SseEvent::type).isEqualTo("reset");
            assertThat(hub.following()).isTrue();
            assertThat(subscribers(db)).isEqualTo(1);
        }
    }

    private static long subscribers(TestDatabase db) {
        return db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers WHERE expires_at > now()");
    }
}
