package dev.gantry.server.kinds.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** The demo kinds a worker runs without user code, each run by a real worker. */
@ExtendWith(PostgresExtension.class)
class DemoKindsTest {
    @Test
    void noopAcceptsAnyArgsAndCompletesWithNoResultWhileSleepAndLogReportWhatTheyDid(TestDatabase db) {
        db.reset();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("demo", 2).pollInterval(Duration.ofMillis(100)).build(),
                SystemTimeSource.INSTANCE, GantryListener.NONE);
        DemoKinds.register(gantry);
        gantry.start();
        EnqueueOptions demo = EnqueueOptions.defaults().withQueue("demo");

        Job noop = gantry.client().enqueue("demo.noop", Map.of("seq", 1, "anything", Map.of("goes", true)), demo);
        Job sleep = gantry.client().enqueue("demo.sleep", Map.of("ms", 0), demo);
        Job log = gantry.client().enqueue("demo.log", Map.of("count", 2), demo);

        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("state = 'completed'") == 3);
        assertThat(db.state(noop.id())).isEqualTo(JobState.COMPLETED);
        assertThat(gantry.client().get(noop.id()).orElseThrow().result()).isNull();
        assertThat(gantry.client().get(sleep.id()).orElseThrow().result()).isEqualTo("{\"slept_ms\": 0}");
        assertThat(gantry.client().get(log.id()).orElseThrow().result()).isEqualTo("{\"logged\": 2}");
    }
}
