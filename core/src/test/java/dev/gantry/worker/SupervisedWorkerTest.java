package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.Gantry;
import dev.gantry.GantryInternals;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.health.ComponentHealth;
import dev.gantry.health.Health;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;

/**
 * The supervised runtime with real faults: a start that fails at each step leaves nothing
 * running and can be retried; a throwing listener stops nothing; the database dropping every
 * connection is survived by every component; and a stalled component makes /health unhealthy,
 * naming it, until it recovers.
 */
@ExtendWith(PostgresExtension.class)
class SupervisedWorkerTest {
    /** Every step a worker with one queue starts, in order (WorkerAssembly). */
    static final List<String> STEPS = List.of("log-shipper", "registration", "heartbeat", "completer", "lease-renewer",
            "drain", "fetcher-sup", "commands", "listener", "stager", "rescuer", "queue-monitor", "scheduler", "retention", "stats-compactor");

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands");
    }

    private static WorkerConfig config() {
        return WorkerConfig.builder().queue("sup", 4).pollInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofMillis(200)).shutdownTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * The live threads of a group. Gantry's platform threads are made by whoever calls start(), so
     * they join that caller's group: a start run in a group of its own shows exactly what it left
     * behind, whatever other test classes run at the same time.
     */
    private static Set<String> threadsOf(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads);
        return java.util.Arrays.stream(threads, 0, n).filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> !POOL_THREAD.matcher(name).find()).collect(Collectors.toSet());
    }

    /**
     * The test's own Hikari pool adds connections on threads it makes in the group of whoever
     * asked, and lets them idle out after 5 s: the pool's, not Gantry's (the pool's closing is checked apart).
     */
    private static final java.util.regex.Pattern POOL_THREAD = java.util.regex.Pattern.compile(":connection-(adder|closer)$");

    /** Runs {@code work} on a thread of {@code group}, rethrowing what it threw. */
    private static void inGroup(ThreadGroup group, Runnable work) {
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(group, () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "test-starter");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) throw failure.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"log-shipper", "registration", "heartbeat", "completer", "lease-renewer", "drain",
            "fetcher-sup", "commands", "listener", "stager", "rescuer", "queue-monitor", "scheduler", "retention", "stats-compactor"})
    void aStartThatFailsAtAnyStepLeavesNoThreadAndCanBeRetried(String failAt, TestDatabase db) {
        ThreadGroup group = new ThreadGroup("gantry-under-test-" + failAt);
        AtomicInteger attempts = new AtomicInteger();
        HikariDataSource pool = db.newPool(16);
        Gantry gantry = GantryInternals.beforeStart(Gantry.builder().dataSource(pool).worker(config()), step -> {
            if (step.equals(failAt) && attempts.getAndIncrement() == 0) {
                throw new IllegalStateException("injected failure at " + step);
            }
        }).build();
        gantry.register("quick", Map.class, (a, ctx) -> null);

        assertThatThrownBy(() -> inGroup(group, gantry::start)).hasMessage("injected failure at " + failAt);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsOf(group)).isEmpty());
        assertThat(gantry.workerStats()).isEmpty();
        gantry.stop();

        inGroup(group, gantry::start);
        assertThat(threadsOf(group)).as("the retried start runs its threads in the group").isNotEmpty();
        Job job = gantry.client().enqueue("quick", Map.of(), EnqueueOptions.defaults().withQueue("sup"));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.state(job.id()) == JobState.COMPLETED);
        gantry.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsOf(group)).isEmpty());
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
        // Thirteen cases in one class, beside other classes: idle connections must not pile up.
        pool.close();
    }

    @Test
    void theStepsAreTheOnesThisTestInjectsInto(TestDatabase db) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Gantry gantry = GantryInternals.beforeStart(Gantry.builder().dataSource(db.newPool(16)).worker(config()),
                seen::add).build()) {
            gantry.start();
        }

        assertThat(seen).containsExactlyElementsOf(STEPS);
    }

    @Test
    void closeAfterAFailedStartClosesThePoolGantryMade(TestDatabase db) {
        Gantry gantry = GantryInternals.beforeStart(Gantry.builder().databaseUrl(db.url()).worker(config()), step -> {
            if (step.equals("completer")) throw new IllegalStateException("no");
        }).build();
        assertThatThrownBy(gantry::start).isInstanceOf(IllegalStateException.class);

        gantry.close();

        assertThat(((HikariDataSource) gantry.dataSource()).isClosed()).isTrue();
    }

    @Test
    void aListenerThatThrowsEverywhereStopsNothing(TestDatabase db) {
        GantryListener hostile = new GantryListener() {
            @Override
            public void jobsClaimed(String queue, List<Long> jobIds) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void claimTimed(String queue, int count, Duration latency) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void jobFinished(JobFinished event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void jobsStaged(int count) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (Gantry gantry = db.gantry(config(), dev.gantry.time.SystemTimeSource.INSTANCE, hostile)) {
            gantry.register("quick", Map.class, (a, ctx) -> null);
            gantry.start();

            List<Job> jobs = gantry.client().enqueueMany(IntStream.range(0, 200)
                    .mapToObj(i -> new JobRequest("quick", Map.of(), EnqueueOptions.defaults().withQueue("sup"))).toList());

            await().atMost(Duration.ofSeconds(20)).until(() -> db.count("state = 'completed'") == jobs.size());
            Health health = gantry.health();
            assertThat(health.healthy()).as(health.reason()).isTrue();
            assertThat(health.components()).allSatisfy(c -> assertThat(c.failures()).as(c.name()).isZero());
        }
    }

    @Test
    void everyComponentSurvivesTheDatabaseDroppingAllItsConnections(TestDatabase db) throws Exception {
        RecordingListener events = new RecordingListener();
        try (Gantry gantry = db.gantry(config(), dev.gantry.time.SystemTimeSource.INSTANCE, events)) {
            gantry.register("quick", Map.class, (a, ctx) -> null);
            gantry.start();
            Job first = gantry.client().enqueue("quick", Map.of(), EnqueueOptions.defaults().withQueue("sup"));
            events.awaitFinished(first.id());

            // What a failover or an administrator does: every connection of the worker's pool dies at once.
            try (Connection c = db.newPool(1).getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()");
            }
            // The producer's connections died too: its first call may fail, as any client's would.
            List<JobRequest> batch = IntStream.range(0, 50)
                    .mapToObj(i -> new JobRequest("quick", Map.of(), EnqueueOptions.defaults().withQueue("sup"))).toList();
            List<Job> after = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> gantry.client().enqueueMany(batch), jobs -> jobs.size() == 50);

            // The test's own pool lost its connections too: a query may fail once.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> db.count("state = 'completed'") == after.size() + 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> gantry.health().healthy());
            List<ComponentHealth> worker = gantry.health().components().stream()
                    .filter(c -> STEPS.contains(c.name()) || c.name().equals("lease-renewer")).toList();
            assertThat(worker).extracting(ComponentHealth::state).containsOnly(ComponentHealth.State.UP);
            assertThat(worker.stream().mapToLong(ComponentHealth::failures).sum())
                    .as("the lost connections were noticed, and survived").isPositive();
            // Each failure also reached the listener (the server's /metrics counts them from there).
            for (ComponentHealth c : worker) {
                assertThat(events.componentFailures.stream().filter(c.name()::equals).count())
                        .as("failures of %s told to the listener", c.name()).isEqualTo(c.failures());
            }
        }
    }

    @Test
    void outcomesWaitingPastTheStallTimeoutMakeHealthNameTheCompleter(TestDatabase db) throws Exception {
        WorkerConfig config = config().toBuilder().stallTimeout(Duration.ofSeconds(1)).build();
        RecordingListener events = new RecordingListener();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (Gantry gantry = db.gantry(config, dev.gantry.time.SystemTimeSource.INSTANCE, events)) {
            gantry.register("waits", Map.class, (a, ctx) -> {
                go.await();
                return null;
            });
            gantry.start();
            Job job;
            try (Connection lock = db.newPool(1).getConnection()) {
                lock.setAutoCommit(false);
                job = gantry.client().enqueue("waits", Map.of(), EnqueueOptions.defaults().withQueue("sup"));
                events.awaitClaimed(job.id());
                // Holds the job's row: the completer's fenced update waits behind this lock.
                try (Statement st = lock.createStatement()) {
                    st.execute("SELECT * FROM gantry.jobs WHERE id = " + job.id() + " FOR UPDATE");
                }
                go.countDown();

                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Health h = gantry.health();
                    assertThat(h.healthy()).isFalse();
                    assertThat(h.reason()).startsWith("completer is stalled: job outcomes waiting");
                });
                lock.rollback();
            }

            events.awaitFinished(job.id());
            await().atMost(Duration.ofSeconds(10)).until(() -> gantry.health().healthy());
        }
    }
}
