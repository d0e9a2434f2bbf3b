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
     * then half the jobs running: the outcome update must still look each outcome up by id,
     * not scan the table for running jobs and compare each with every outcome.
     */
    @Test
    void outcomeUpdateGoesByPrimaryKeyWhateverTheStatisticsSay(TestDatabase db) {
        db.reset();
        db.execute("SELECT gantry.declare_kind('k')");
        db.execute("SELECT count(*) FROM (SELECT gantry.enqueue('k', '{}') FROM generate_series(1, 20000)) x");
        db.execute("VACUUM ANALYZE gantry.jobs");
        db.execute("UPDATE gantry.jobs SET state = 'running', attempt = 1, worker_id = 'w', "
                + "lease_expires_at = now() + interval '1 minute' WHERE id % 2 = 0");
        List<OutcomeRow> outcomes = new ArrayList<>();
        for (long id = 2; id <= 1000; id += 2) outcomes.add(new OutcomeRow(id, 1, "completed", 0, null, null, false));
        Db store = new Db(db.dataSource());
        JobStore jobs = new JobStore(store, SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        NamedSql explain = NamedSql.parse("EXPLAIN " + JobSql.APPLY_OUTCOMES, "gantry");

        String plan = store.inTransactionWith(JobSql.WORKER_SETTINGS + "; SET LOCAL plan_cache_mode = force_generic_plan",
                "explain", c -> {
                    StringBuilder sb = new StringBuilder();
                    try (PreparedStatement ps = explain.prepare(c, jobs.outcomeParams("w", outcomes));
                         ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) sb.append(rs.getString(1)).append('\n');
                    }
                    return sb.toString();
                });

        assertThat(plan).contains("Index Scan using jobs_pkey on jobs").doesNotContain("Seq Scan on jobs");
    }
}
