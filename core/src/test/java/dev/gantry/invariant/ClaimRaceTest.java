package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.JobRequest;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Invariants 1 and 2: racing workers each with its own pool run every job exactly once and lose none. */
@ExtendWith(PostgresExtension.class)
class ClaimRaceTest {
    static final int WORKERS = 8;
    static final int JOBS = 20_000;

    @Test
    void eightWorkersRunTwentyThousandJobsExactlyOnce(TestDatabase db) {
        Map<Long, String> ranBy = new ConcurrentHashMap<>();
        List<Long> duplicates = new CopyOnWriteArrayList<>();
        List<Gantry> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String id = "race-" + w;
            Gantry g = Gantry.builder().dataSource(db.newPool(5))
                    .worker(WorkerConfig.builder().workerId(id).queue("default", 8).build())
                    .timeSource(SystemTimeSource.INSTANCE).listener(GantryListener.NONE).build();
            g.register("race.job", Map.class, (args, ctx) -> {
                if (ranBy.putIfAbsent(ctx.jobId(), id) != null) duplicates.add(ctx.jobId());
                return null;
            });
            workers.add(g);
        }
        workers.forEach(Gantry::start);
        Gantry producer = db.client();

        for (int from = 0; from < JOBS; from += 1000) {
            producer.client().enqueueMany(IntStream.range(from, from + 1000)
                    .mapToObj(i -> JobRequest.of("race.job", Map.of("i", i))).toList());
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> db.count("state = 'completed'") == JOBS);
        workers.forEach(Gantry::close);

        assertThat(duplicates).as("jobs run twice").isEmpty();
        assertThat(ranBy).hasSize(JOBS);
        assertThat(db.count("state <> 'completed'")).isZero();
        assertThat(db.count("attempt <> 1")).as("every job claimed exactly once").isZero();
        assertThat(ranBy.values().stream().distinct().count()).as("all workers took part").isEqualTo(WORKERS);
    }
}
