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

    @Test
    void workerSettingsApplyToTheirOwnTransactionOnly(TestDatabase db) {
        Db store = new Db(db.dataSource());

        Db.SqlWork<String> both = c -> setting(c, "synchronous_commit") + " " + setting(c, "enable_seqscan");
        String inside = store.inTransactionWith(JobSql.WORKER_SETTINGS + "; " + JobSql.ASYNC_COMMIT, "probe", both);
        String outside = store.withConnection("probe", both);
        String otherTransaction = store.inTransaction("probe", both);

        assertThat(inside).isEqualTo("off off");
        assertThat(outside).isEqualTo("on on");
        assertThat(otherTransaction).isEqualTo("on on");
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
