package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

@ExtendWith(PostgresExtension.class)
class WorkerSmokeTest {

    record Greeting(String name) {
    }

    @Test
    void runsAnEnqueuedJobAndStoresItsResult(TestDatabase db) {
        RecordingListener events = new RecordingListener();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("default", 4).build(), SystemTimeSource.INSTANCE, events);
        gantry.register("greet", Greeting.class, (args, ctx) -> Map.of("greeting", "hello " + args.name()));
        gantry.start();

        Job job = gantry.client().enqueue("greet", new Greeting("ada"));
        events.awaitFinished(job.id());

        Job done = gantry.client().get(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.result()).isEqualTo("{\"greeting\": \"hello ada\"}");
        assertThat(done.workerId()).isNull();
        assertThat(done.finishedAt()).isNotNull();
    }
}
