package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;
import dev.gantry.event.GantryListener;
import dev.gantry.event.JobStateChange;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.OutcomeRow;
import dev.gantry.config.SchemaName;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The jobs triggers announce every state change on {@code gantry.job_events} (V004,
 * docs/events.md), read here as any listener would: a plain pgjdbc connection that LISTENs.
 */
@ExtendWith(PostgresExtension.class)
class JobEventsTest {
    private static final String WORKER = "events-worker";
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:00Z");
    private final TestDatabase db;
    private GantryClient client;
    private JobStore store;
    private Listener listener;

    JobEventsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() throws SQLException {
        db.reset();
        Gantry gantry = db.gantry(null, time, GantryListener.NONE);
        client = gantry.client();
        client.declareKind("mail.send");
        store = new JobStore(new Db(db.dataSource()), SchemaName.DEFAULT, time);
        listener = new Listener(db);
    }

    @AfterEach
    void tearDown() throws SQLException {
        listener.close();
    }

    @Test
    void everyTransitionOfAJobLifeIsAnnouncedOnceWithItsPreviousState() {
        Job first = client.enqueue("mail.send", Map.of(), EnqueueOptions.defaults().withQueue("mail"));
        Job second = client.enqueue("mail.send", Map.of(), EnqueueOptions.defaults().withQueue("mail"));
        Job later = client.enqueue("mail.send", Map.of(),
                EnqueueOptions.defaults().withQueue("mail").withRunAt(time.now().plusSeconds(3600)));
        assertThat(listener.next(3)).containsExactlyInAnyOrder(
                change(first, null, JobState.AVAILABLE, 0), change(second, null, JobState.AVAILABLE, 0),
                change(later, null, JobState.SCHEDULED, 0));

        store.claim("mail", WORKER, 2, Duration.ofSeconds(30));
        assertThat(listener.next(2)).containsExactlyInAnyOrder(
                change(first, JobState.AVAILABLE, JobState.RUNNING, 1), change(second, JobState.AVAILABLE, JobState.RUNNING, 1));

        store.renewLeases(WORKER, Set.of(first.id(), second.id()), Duration.ofSeconds(30));
        store.applyOutcomes(WORKER, List.of(
                new OutcomeRow(first.id(), 1, "completed", 0, null, "{}", false),
                new OutcomeRow(second.id(), 1, "retryable", 1_000, "{\"at\": \"2025-01-01T00:00:00Z\"}", null, false)));
        assertThat(listener.next(2)).as("the lease renewal changed no state and announced nothing").containsExactlyInAnyOrder(
                change(first, JobState.RUNNING, JobState.COMPLETED, 1), change(second, JobState.RUNNING, JobState.RETRYABLE, 1));

        client.cancel(later.id());
        assertThat(listener.next(1)).containsExactly(change(later, JobState.SCHEDULED, JobState.CANCELLED, 0));

        client.delete(later.id());
        assertThat(listener.next(1)).containsExactly(change(later, JobState.CANCELLED, null, 0));
        assertThat(listener.payloads).allSatisfy(p -> assertThat(p).startsWith("{\"events\":[["));
    }

    @Test
    void aRolledBackChangeAnnouncesNothing() throws SQLException {
        Job job = client.enqueue("mail.send", Map.of());
        listener.next(1);

        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE gantry.jobs SET state = 'cancelled', finished_at = now() WHERE id = " + job.id());
            }
            c.rollback();
        }
        Job marker = client.enqueue("mail.send", Map.of());

        assertThat(listener.next(1)).containsExactly(change(marker, null, JobState.AVAILABLE, 0));
    }

    /**
     * 20,000 rows with the longest queue and kind names in one statement each: the events come
     * in several notifications, each well under PostgreSQL's 8,000-byte limit, and none is lost.
     */
    @Test
    void bulkStatementsAreChunkedBelowTheNotifyLimit() {
        String queue = "q".repeat(128);
        String kind = "k".repeat(127) + ":";
        int rows = 20_000;

        db.execute("INSERT INTO gantry.jobs (queue, kind, state) SELECT '" + queue + "', '" + kind
                + "', 'available' FROM generate_series(1, " + rows + ")");
        List<JobStateChange> inserted = listener.next(rows);
        db.execute("UPDATE gantry.jobs SET state = 'cancelled', finished_at = now(), attempt = 7");
        List<JobStateChange> updated = listener.next(rows);
        db.execute("DELETE FROM gantry.jobs");
        List<JobStateChange> deleted = listener.next(rows);

        assertThat(listener.payloads).as("chunks of at most 7,400 bytes").hasSizeGreaterThan(3 * rows * 250 / 7_400)
                .allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThan(7_400));
        assertThat(ids(inserted)).hasSize(rows);
        assertThat(inserted).allSatisfy(c -> assertThat(c).extracting(JobStateChange::queue, JobStateChange::kind,
                JobStateChange::from, JobStateChange::to).containsExactly(queue, kind, null, JobState.AVAILABLE));
        assertThat(ids(updated)).isEqualTo(ids(inserted));
        assertThat(updated).allSatisfy(c -> assertThat(c).extracting(JobStateChange::from, JobStateChange::to,
                JobStateChange::attempt).containsExactly(JobState.AVAILABLE, JobState.CANCELLED, 7));
        assertThat(ids(deleted)).isEqualTo(ids(inserted));
        assertThat(deleted).allSatisfy(c -> assertThat(c.to()).isNull());
    }

    private static Set<Long> ids(List<JobStateChange> changes) {
        Set<Long> ids = new HashSet<>();
        for (JobStateChange c : changes) assertThat(ids.add(c.jobId())).as("job %d announced twice", c.jobId()).isTrue();
        return ids;
    }

    private static JobStateChange change(Job job, JobState from, JobState to, int attempt) {
        return new JobStateChange(job.id(), job.queue(), job.kind(), from, to, attempt);
    }

    /** A LISTENing connection of its own; {@link #next} takes the changes in arrival order. */
    /** V006 folded the wake-up trigger into the events trigger; both channels keep their payloads and order. */
    @Test
    void anInsertStatementAnnouncesItsEventsThenWakesEachQueueWithAvailableJobsOnce() throws SQLException {
        client.enqueue("mail.send", Map.of()); // the session's first insert compiles the trigger; not counted
        try (Connection conn = db.newPool(1).getConnection()) {
            try (Statement st = conn.createStatement()) {
                st.execute("LISTEN \"gantry.job_events\"");
                st.execute("LISTEN \"gantry.job_available\"");
                st.execute("SELECT gantry.subscribe_job_events('insert-test', 3600)");
            }
            var later = EnqueueOptions.defaults().withRunAt(time.now().plusSeconds(60));
            client.enqueueMany(List.of(
                    new JobRequest("mail.send", Map.of(), EnqueueOptions.defaults().withQueue("b")),
                    new JobRequest("mail.send", Map.of(), EnqueueOptions.defaults().withQueue("a")),
                    new JobRequest("mail.send", Map.of(), later.withQueue("a")),
                    new JobRequest("mail.send", Map.of(), EnqueueOptions.defaults().withQueue("b")),
                    new JobRequest("mail.send", Map.of(), later.withQueue("only-scheduled"))));
            client.enqueue("mail.send", Map.of(), later.withQueue("only-scheduled"));

            List<String> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                PGNotification[] batch = conn.unwrap(PGConnection.class).getNotifications(200);
                if (batch != null) for (PGNotification n : batch) got.add(n.getName() + " " + n.getParameter());
                return got.size() >= 4;
            });
            PGNotification[] extra = conn.unwrap(PGConnection.class).getNotifications(300);
            if (extra != null) for (PGNotification n : extra) got.add(n.getName() + " " + n.getParameter());

            assertThat(got).hasSize(4);
            assertThat(got.get(0)).startsWith("gantry.job_events {\"events\":[");
            assertThat(JobStateChange.parse(got.get(0).substring("gantry.job_events ".length()))).hasSize(5);
            assertThat(got.subList(1, 3)).containsExactly("gantry.job_available {\"queue\" : \"a\"}",
                    "gantry.job_available {\"queue\" : \"b\"}");
            assertThat(got.get(3)).startsWith("gantry.job_events {\"events\":[").contains("\"only-scheduled\"");
        }
    }

    private static final class Listener implements AutoCloseable {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        private final List<JobStateChange> received = new ArrayList<>();
        private final Connection conn;
        private int taken;

        Listener(TestDatabase db) throws SQLException {
            conn = db.newPool(1).getConnection();
            try (Statement st = conn.createStatement()) {
                st.execute("LISTEN \"" + SchemaName.DEFAULT.jobEventsChannel() + "\"");
                st.execute("SELECT gantry.subscribe_job_events('job-events-test', 3600)");
            }
        }

        /** Waits for the next {@code n} changes and returns exactly those. */
        List<JobStateChange> next(int n) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                receive();
                return received.size() - taken >= n;
            });
            List<JobStateChange> out = List.copyOf(received.subList(taken, taken + n));
            taken += n;
            return out;
        }

        private void receive() throws SQLException {
            PGNotification[] got = conn.unwrap(PGConnection.class).getNotifications(200);
            if (got == null) return;
            for (PGNotification n : got) {
                payloads.add(n.getParameter());
                received.addAll(JobStateChange.parse(n.getParameter()));
            }
        }

        @Override
        public void close() throws SQLException {
            conn.close();
        }
    }
}
