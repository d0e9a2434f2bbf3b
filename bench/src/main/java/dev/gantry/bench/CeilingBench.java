package dev.gantry.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * W0, the ceiling: the plainest JDBC loop on the same table. Each thread owns one connection and
 * repeats "claim a batch with SKIP LOCKED, mark it completed" until nothing is left. No args are
 * read, no handler runs, nothing is fenced or logged; Gantry's W2 is reported as a share of it.
 * Tries every batch size and connection count of the grid, with the server's commit setting
 * and with {@code synchronous_commit = off} as Gantry's worker uses it, and reports the best.
 */
final class CeilingBench {
    private static final String CLAIM = """
            WITH picked AS MATERIALIZED (
                SELECT id FROM %1$s.jobs
                 WHERE state = 'available' AND queue = 'default'
                 ORDER BY priority, run_at, id
                 LIMIT ?
                 FOR UPDATE SKIP LOCKED)
            UPDATE %1$s.jobs j
               SET state = 'running', attempt = j.attempt + 1, attempted_at = now(), worker_id = ?,
                   lease_expires_at = now() + interval '5 minutes'
              FROM picked
             WHERE j.id = picked.id
            RETURNING j.id""";
    private static final String COMPLETE = """
            UPDATE %s.jobs SET state = 'completed', finished_at = now(), worker_id = NULL, lease_expires_at = NULL
             WHERE id = ANY(?)""";

    private final BenchDatabase db;

    CeilingBench(BenchDatabase db) {
        this.db = db;
    }

    /** Every grid point as its own line, then the best of them as the {@code w0} result. */
    Result run(int jobs, int[] batches, int[] connections) throws Exception {
        Result best = null;
        int tried = 0;
        for (boolean syncCommit : new boolean[] {true, false}) {
            for (int conns : connections) {
                for (int batch : batches) {
                    db.reset();
                    db.enqueueNoops(jobs, 0);
                    CpuMeter cpu = CpuMeter.start(List.of());
                    double perSecond = drain(batch, conns, jobs, syncCommit);
                    tried++;
                    Progress.line(String.format("w0 batch=%d connections=%d synchronous_commit=%s: %,.0f jobs/s",
                            batch, conns, syncCommit ? "on" : "off", perSecond));
                    Result r = Result.of("w0").with("jobs_per_s", perSecond).with("batch", batch)
                            .with("connections", conns).with("synchronous_commit", syncCommit).with("jobs", jobs);
                    cpu.report(r, jobs);
                    if (best == null || perSecond > best.number("jobs_per_s")) best = r;
                }
            }
        }
        return best.with("best_of", tried);
    }

    private double drain(int batch, int conns, int jobs, boolean syncCommit) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            Connection c = db.connect();
            if (!syncCommit) {
                try (var st = c.createStatement()) {
                    st.execute("SET synchronous_commit = off");
                }
            }
            connections.add(c);
        }
        long start = System.nanoTime();
        for (int i = 0; i < conns; i++) {
            Connection c = connections.get(i);
            String worker = "w0-" + i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    loop(c, worker, batch);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        long elapsed = System.nanoTime() - start;
        for (Connection c : connections) c.close();
        if (failure.get() != null) throw failure.get();
        long done = db.queryLong("SELECT count(*) FROM " + db.schema + ".jobs WHERE state = 'completed'");
        if (done != jobs) throw new IllegalStateException("w0 completed " + done + " of " + jobs + " jobs");
        return jobs / (elapsed / 1e9);
    }

    private void loop(Connection c, String worker, int batch) throws Exception {
        try (PreparedStatement claim = c.prepareStatement(CLAIM.formatted(db.schema));
             PreparedStatement complete = c.prepareStatement(COMPLETE.formatted(db.schema))) {
            claim.setInt(1, batch);
            claim.setString(2, worker);
            while (true) {
                List<Long> ids = new ArrayList<>(batch);
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) ids.add(rs.getLong(1));
                }
                if (ids.isEmpty()) return;
                Array array = c.createArrayOf("bigint", ids.toArray());
                complete.setArray(1, array);
                complete.executeUpdate();
            }
        }
    }
}
