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
        Job done;
        try (Gantry gantry = db.gantry(WorkerConfig.builder().queue("default", 4).build(), SystemTimeSource.INSTANCE, events)) {
            gantry.register("greet", Greeting.class, (args, ctx) -> Map.of("greeting", "hello " + args.name()));
            gantry.start();

            Job job = gantry.client().enqueue("greet", new Greeting("ada"));
            events.awaitFinished(job.id());
            done = gantry.client().get(job.id()).orElseThrow();
        }
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.result()).isEqualTo("{\"greeting\": \"hello ada\"}");
        assertThat(done.workerId()).isNull();
        assertThat(done.finishedAt()).isNotNull();
    }

    /**
     * A claim runs in a transaction begun before its statement (SET LOCAL first), so a job
     * enqueued in between must still not look claimed before it was created.
     */
    @Test
    void jobsAreNeverClaimedBeforeTheyWereCreated(TestDatabase db) {
        db.reset();
        RecordingListener events = new RecordingListener();
        try (Gantry gantry = db.gantry(WorkerConfig.builder().queue("default", 4).build(), SystemTimeSource.INSTANCE, events)) {
            gantry.register("greet", Greeting.class, (args, ctx) -> null);
            gantry.start();

            Job last = null;
            for (int i = 0; i < 1_500; i++) last = gantry.client().enqueue("greet", new Greeting("n" + i));
            events.awaitFinished(last.id());
        }

        assertThat(db.count("attempted_at IS NOT NULL")).isEqualTo(1_500);
        assertThat(db.count("attempted_at < created_at OR finished_at < attempted_at")).isZero();
    }
}
