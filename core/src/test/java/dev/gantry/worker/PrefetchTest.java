package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.JobRequest;
import dev.gantry.config.WorkerConfig;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/**
 * A busy queue of short jobs claims ahead of its free slots (QueueFetcher's buffer, docs/adr/0013);
 * jobs claimed ahead are leased like running ones, never start while the queue is paused, and go
 * back to available with the attempt not counted when the queue is paused or the worker stops.
 */
@ExtendWith(PostgresExtension.class)
class PrefetchTest {
    record Step(int seq, boolean block) {
    }

    @Test
    void shortJobsAreClaimedAheadAndGivenBackWhenTheQueueIsPaused(TestDatabase db) throws Exception {
        db.reset();
        db.execute("DELETE FROM gantry.queues WHERE name = 'default'");
        RecordingListener events = new RecordingListener();
        CountDownLatch blockerStarted = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        AtomicBoolean paused = new AtomicBoolean();
        AtomicInteger startedWhilePaused = new AtomicInteger();
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        WorkerConfig config = WorkerConfig.builder().queue("default", 1).heartbeatInterval(Duration.ofMillis(200)).build();
        try (Gantry gantry = db.gantry(config, SystemTimeSource.INSTANCE, events)) {
            gantry.register("step", Step.class, (args, ctx) -> {
                runs.incrementAndGet();
                ran.add(args.seq());
                if (paused.get()) startedWhilePaused.incrementAndGet();
                if (args.block()) {
                    blockerStarted.countDown();
                    unblock.await(30, TimeUnit.SECONDS);
                }
                return null;
            });
            startWithABlockerAndABuffer(gantry, db, blockerStarted);

            paused.set(true);
            gantry.queues().pause("default", "test");
            // The worker learns of the pause with its next heartbeat and gives its buffer back.
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("state = 'running'") == 1);
            assertThat(db.count("state = 'available' AND attempt <> 0")).isZero();
            unblock.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("state = 'running'") == 0);
            assertThat(startedWhilePaused.get()).isZero();   // the blocker started before the pause

            paused.set(false);
            gantry.queues().resume("default");
            await().atMost(Duration.ofSeconds(30)).until(() -> db.count("state = 'completed'") == 601);
        }
        assertThat(runs.get()).isEqualTo(601);
        assertThat(ran).hasSize(601);
        assertThat(db.count("attempt <> 1")).isZero();
    }

    @Test
    void jobsClaimedAheadAreGivenBackWhenTheWorkerStops(TestDatabase db) throws Exception {
        db.reset();
        db.execute("DELETE FROM gantry.queues WHERE name = 'default'");
        RecordingListener events = new RecordingListener();
        CountDownLatch blockerStarted = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        WorkerConfig config = WorkerConfig.builder().queue("default", 1).shutdownTimeout(Duration.ofSeconds(10)).build();
        try (Gantry gantry = db.gantry(config, SystemTimeSource.INSTANCE, events)) {
            gantry.register("step", Step.class, (args, ctx) -> {
                if (args.block()) {
                    blockerStarted.countDown();
                    unblock.await(30, TimeUnit.SECONDS);
                }
                return null;
            });
            startWithABlockerAndABuffer(gantry, db, blockerStarted);

            Thread stopper = Thread.ofPlatform().start(gantry::stop);
            // the stop gives the buffer back at once, and waits for the blocker
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count("state = 'running'") == 1);
            unblock.countDown();
            stopper.join(20_000);
        }
        assertThat(db.count("state = 'running'")).isZero();
        assertThat(db.count("state = 'completed'") + db.count("state = 'available' AND attempt = 0")).isEqualTo(601);
        assertThat(db.count("state = 'available'")).isPositive();
    }

    /**
     * Enqueues 601 steps whose 301st blocks, starts the worker, and waits until the blocker runs
     * in the queue's only slot and more jobs than that are claimed: the buffer.
     */
    private static void startWithABlockerAndABuffer(Gantry gantry, TestDatabase db, CountDownLatch blockerStarted)
            throws InterruptedException {
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 601; i++) jobs.add(JobRequest.of("step", new Step(i, i == 300)));
        gantry.client().declareKind("step");
        gantry.client().enqueueMany(jobs);
        gantry.start();
        assertThat(blockerStarted.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("state = 'running'") > 1);
    }
}
