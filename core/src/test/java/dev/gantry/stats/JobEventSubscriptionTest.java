package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import dev.gantry.Gantry;
import dev.gantry.client.ChangeListener;
import dev.gantry.client.Subscription;
import dev.gantry.event.JobStateChange;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Job events are announced only while a subscription is live (V007, docs/events.md): without one
 * the triggers send no job_events NOTIFY, which would wake every LISTENing session, yet still
 * wake workers on job_available and roll claims and outcomes up into job_stats.
 */
@ExtendWith(PostgresExtension.class)
class JobEventSubscriptionTest {
    private final TestDatabase db;
    private Connection listening;

    JobEventSubscriptionTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() throws SQLException {
        db.reset();
        db.execute("DELETE FROM gantry.job_event_subscribers");
        db.execute("DELETE FROM gantry.job_stats");
        db.execute("SELECT gantry.declare_kind('sub.test')");
        listening = db.newPool(1).getConnection();
        try (Statement st = listening.createStatement()) {
            st.execute("LISTEN \"gantry.job_events\"");
            st.execute("LISTEN \"gantry.job_available\"");
        }
    }

    @AfterEach
    void tearDown() throws SQLException {
        listening.close();
    }

    @Test
    void withoutALiveSubscriptionNoEventIsAnnouncedButWorkersAreWokenAndStatsRolledUp() throws SQLException {
        runOneJob("q1");
        // an expired subscription counts as none
        db.execute("INSERT INTO gantry.job_event_subscribers (name, expires_at) VALUES ('gone', now() - interval '1 second')");
        runOneJob("q2");

        List<String> got = drain(Duration.ofMillis(700));
        assertThat(got).containsExactly("gantry.job_available {\"queue\" : \"q1\"}", "gantry.job_available {\"queue\" : \"q2\"}");
        assertThat(db.queryLong("SELECT sum(claimed) FROM gantry.job_stats")).isEqualTo(2);
        assertThat(db.queryLong("SELECT sum(completed) FROM gantry.job_stats")).isEqualTo(2);

        db.execute("SELECT gantry.subscribe_job_events('sub-test', 60)");
        runOneJob("q3");
        got = drain(Duration.ofMillis(700));
        assertThat(got).hasSize(4);
        assertThat(got.get(0)).startsWith("gantry.job_events ");
        assertThat(got.get(1)).isEqualTo("gantry.job_available {\"queue\" : \"q3\"}");
        assertThat(got.subList(2, 4)).allSatisfy(n -> assertThat(n).startsWith("gantry.job_events "));
        assertThat(got.stream().filter(n -> n.startsWith("gantry.job_events "))
                .flatMap(n -> JobStateChange.parse(n.substring("gantry.job_events ".length())).stream())
                .map(c -> c.from() + "->" + c.to()))
                .containsExactly("null->AVAILABLE", "AVAILABLE->RUNNING", "RUNNING->COMPLETED");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.unsubscribe_job_events('sub-test') u WHERE u")).isEqualTo(1);
        runOneJob("q4");
        assertThat(drain(Duration.ofMillis(700))).containsExactly("gantry.job_available {\"queue\" : \"q4\"}");
    }

    @Test
    void subscribingRenewsOneRowPerNameAndRejectsBadInputChangingNothing() {
        db.execute("SELECT gantry.subscribe_job_events('a', 5)");
        db.execute("SELECT gantry.subscribe_job_events('a', 600)");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers")).isEqualTo(1);
        assertThat(db.queryLong("SELECT extract(epoch FROM expires_at - now())::bigint FROM gantry.job_event_subscribers"))
                .isBetween(590L, 600L);

        assertThatThrownBy(() -> db.execute("SELECT gantry.subscribe_job_events('', 60)"))
                .hasMessageContaining("subscriber: must be 1 to 200 characters");
        assertThatThrownBy(() -> db.execute("SELECT gantry.subscribe_job_events('" + "x".repeat(201) + "', 60)"))
                .hasMessageContaining("subscriber: must be 1 to 200 characters");
        assertThatThrownBy(() -> db.execute("SELECT gantry.subscribe_job_events('b', 0)"))
                .hasMessageContaining("ttl_seconds: must be 1 to 86400, got 0");
        assertThatThrownBy(() -> db.execute("SELECT gantry.subscribe_job_events('b', NULL)"))
                .hasMessageContaining("ttl_seconds: must be 1 to 86400, got null");
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers")).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.unsubscribe_job_events('nobody') u WHERE NOT u")).isEqualTo(1);
    }

    /** The library's change feed registers while it has listeners and unregisters when the last one leaves. */
    @Test
    void theChangeFeedIsRegisteredWhileItHasListeners() throws SQLException {
        try (Gantry gantry = db.client()) {
            List<JobStateChange> seen = new ArrayList<>();
            Subscription s = gantry.changes().subscribe(new ChangeListener() {
                @Override
                public void jobs(List<JobStateChange> changes) {
                    synchronized (seen) {
                        seen.addAll(changes);
                    }
                }
            });
            assertThat(db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers WHERE name LIKE 'changes-%'"
                    + " AND expires_at > now() + interval '50 seconds'")).isEqualTo(1);
            // LISTEN starts on the feed's own connection in the background: enqueue until one is seen
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                gantry.client().enqueue("sub.test", Map.of());
                synchronized (seen) {
                    return !seen.isEmpty();
                }
            });
            s.close();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers") == 0);

            gantry.changes().subscribe(new ChangeListener() { });
            assertThat(db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers")).isEqualTo(1);
        }
        assertThat(db.queryLong("SELECT count(*) FROM gantry.job_event_subscribers")).as("closing the Gantry unregisters").isZero();
    }

    /**
     * The triggers' subscription check runs inside claims and outcomes, which plan with
     * enable_seqscan off: its plan must stay cheap there, or PostgreSQL JIT-compiles it at every
     * claim (about 20 ms each without V007's index on expires_at).
     */
    @Test
    void theSubscriptionCheckPlansBelowTheJitThresholdWithSequentialScansOff() throws SQLException {
        try (Statement st = listening.createStatement()) {
            st.execute("SET enable_seqscan = off");
            double cost;
            try (var rs = st.executeQuery("EXPLAIN (FORMAT JSON) SELECT EXISTS (SELECT FROM gantry.job_event_subscribers s"
                    + " WHERE s.expires_at > statement_timestamp())")) {
                rs.next();
                String plan = rs.getString(1);
                cost = Double.parseDouble(plan.replaceAll("(?s).*?\"Total Cost\": ([0-9.]+).*", "$1"));
            }
            double jitAbove;
            try (var rs = st.executeQuery("SELECT current_setting('jit_above_cost')::float8")) {
                rs.next();
                jitAbove = rs.getDouble(1);
            }
            st.execute("RESET enable_seqscan");
            assertThat(cost).isLessThan(Math.min(jitAbove, 1_000));
        }
    }

    /** Enqueues, claims and completes one job in queue {@code q} through the SQL API. */
    private void runOneJob(String queue) {
        db.execute("SELECT gantry.enqueue('sub.test', '{}', queue => '" + queue + "')");
        long id = db.queryLong("SELECT id FROM gantry.claim('" + queue + "', 'w', 1)");
        db.execute("SELECT gantry.complete(" + id + ", 'w')");
    }

    /** Every notification that arrives within {@code quiet} of the previous one. */
    private List<String> drain(Duration quiet) throws SQLException {
        List<String> out = new ArrayList<>();
        while (true) {
            PGNotification[] got = listening.unwrap(PGConnection.class).getNotifications((int) quiet.toMillis());
            if (got == null || got.length == 0) return out;
            for (PGNotification n : got) out.add(n.getName() + " " + n.getParameter());
        }
    }
}
