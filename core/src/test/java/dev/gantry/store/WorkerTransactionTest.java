package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.config.SchemaName;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** The worker's claims and outcomes change planner and commit settings only inside their own transaction. */
@ExtendWith(PostgresExtension.class)
class WorkerTransactionTest {
    private static String setting(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * A claim or outcome statement turns the WAL-flush wait off for its own transaction (the
     * implicit one it runs in, or the caller's), and for nothing after it on that connection.
     */
    @Test
    void asyncCommitAppliesToTheStatementsOwnTransactionOnly(TestDatabase db) {
        Db store = new Db(db.dataSource());
        String probe = JobSql.asyncCommit("SELECT 1 AS one");

        String inside = store.inTransaction("probe", c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery(probe)) {
                assertThat(rs.next()).isTrue();
            }
            return setting(c, "synchronous_commit");
        });
        String afterAutocommit = store.withConnection("probe", c -> {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery(probe)) {
                assertThat(rs.next()).isTrue();
            }
            return setting(c, "synchronous_commit");
        });
        String otherTransaction = store.inTransaction("probe", c -> setting(c, "synchronous_commit"));

        assertThat(inside).isEqualTo("off");
        assertThat(afterAutocommit).isEqualTo("on");
        assertThat(otherTransaction).isEqualTo("on");
    }

    /** The claim is planned without sequential scans, whatever the caller's session says. */
    @Test
    void claimAndOutcomeFunctionsPlanWithoutSequentialScans(TestDatabase db) {
        for (String fn : List.of("claim_available", "apply_outcomes")) {
            assertThat(db.queryString("SELECT array_to_string(proconfig, ';') FROM pg_proc WHERE proname = '" + fn + "'"
                    + " AND pronamespace = 'gantry'::regnamespace")).as(fn).isEqualTo("enable_seqscan=off");
        }
    }

    /**
     * Statistics taken while every job was available (the worst case: they claim nothing runs),
     * then half the jobs running: the outcome update inside gantry.apply_outcomes, planned under
     * that function's own settings, must still look each outcome up by id, not scan the table for
     * running jobs and compare each with every outcome.
     */
    @Test
    void outcomeUpdateGoesByPrimaryKeyWhateverTheStatisticsSay(TestDatabase db) {
        db.reset();
        db.execute("SELECT gantry.declare_kind('k')");
        db.execute("SELECT count(*) FROM (SELECT gantry.enqueue('k', '{}') FROM generate_series(1, 20000)) x");
        db.execute("VACUUM ANALYZE gantry.jobs");
        db.execute("UPDATE gantry.jobs SET state = 'running', attempt = 1, worker_id = 'w', "
                + "lease_expires_at = now() + interval '1 minute' WHERE id % 2 = 0");
        String body = db.queryString("SELECT prosrc FROM pg_proc WHERE proname = 'apply_outcomes'"
                + " AND pronamespace = 'gantry'::regnamespace");
        String update = body.substring(body.indexOf("UPDATE"), body.indexOf("RETURNING j.id") + "RETURNING j.id".length());
        String settings = db.queryString("SELECT array_to_string(proconfig, ';') FROM pg_proc WHERE proname = 'apply_outcomes'"
                + " AND pronamespace = 'gantry'::regnamespace");
        assertThat(settings).isEqualTo("enable_seqscan=off");
        StringBuilder ids = new StringBuilder();
        for (long id = 2; id <= 1000; id += 2) ids.append(ids.isEmpty() ? "" : ",").append(id);
        int n = 500;
        String args = "'w', '{" + ids + "}', array_fill(1, ARRAY[" + n + "]), array_fill('completed'::text, ARRAY[" + n + "]),"
                + " array_fill(0::bigint, ARRAY[" + n + "]), array_fill(NULL::text, ARRAY[" + n + "]),"
                + " array_fill(NULL::text, ARRAY[" + n + "]), array_fill(false, ARRAY[" + n + "]), NULL";
        Db store = new Db(db.dataSource());

        String plan = store.inTransactionWith("SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_generic_plan",
                "explain", c -> {
                    StringBuilder sb = new StringBuilder();
                    try (var st = c.createStatement()) {
                        st.execute("PREPARE apply_plan(text, bigint[], int[], text[], bigint[], text[], text[], boolean[],"
                                + " timestamptz) AS " + update);
                        try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE apply_plan(" + args + ")")) {
                            while (rs.next()) sb.append(rs.getString(1)).append('\n');
                        }
                        st.execute("DEALLOCATE apply_plan");
                    }
                    return sb.toString();
                });

        assertThat(plan).contains("Index Scan using jobs_pkey on jobs").doesNotContain("Seq Scan on jobs");
    }
}
