package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.config.WorkerConfig;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Without LISTEN (PgBouncer transaction mode) the worker still processes everything, by polling. */
@ExtendWith(PostgresExtension.class)
class PollingOnlyTest {

    @Test
    void processesEverythingWithoutListen(TestDatabase db) {
        RecordingListener events = new RecordingListener();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("polled", 8).listen(false)
                .pollInterval(Duration.ofMillis(100)).build(), SystemTimeSource.INSTANCE, events);
        gantry.register("polled.job", Map.class, (a, ctx) -> null);
        gantry.start();

        gantry.client().enqueueMany(IntStream.range(0, 500).mapToObj(i ->
                new JobRequest("polled.job", Map.of("i", i), EnqueueOptions.defaults().withQueue("polled"))).toList());
        gantry.client().enqueue("polled.job", Map.of("late", true),
                EnqueueOptions.defaults().withQueue("polled").withDelay(Duration.ofMillis(300)));

        await().atMost(Duration.ofSeconds(60)).until(() -> db.count("state = 'completed'") == 501);
        assertThat(db.count("state <> 'completed'")).isZero();
    }
}
