package dev.gantry.server.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;

/**
 * A worker JVM for {@link ChaosTest} to kill: kind {@code chaos.run} sleeps {@code ms}, records
 * the run (job, attempt, worker) in table chaos_runs and returns the same as its result. Prints
 * "ready" once fetching. Arguments: database URL, worker id, concurrency.
 */
public final class ChaosWorker {
    public record Args(long ms) {
    }

    private ChaosWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        String workerId = args[1];
        WorkerConfig config = WorkerConfig.builder().workerId(workerId).queue("chaos", Integer.parseInt(args[2]))
                .leaseDuration(Duration.ofSeconds(3)).rescueInterval(Duration.ofMillis(500))
                .stageInterval(Duration.ofMillis(200)).heartbeatInterval(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(500)).shutdownTimeout(Duration.ofSeconds(2)).build();
        Gantry gantry = Gantry.builder().databaseUrl(args[0]).poolSize(Gantry.workerConnections(config) + 4)
                .worker(config).build();
        gantry.register("chaos.run", Args.class, (a, ctx) -> {
            Thread.sleep(a.ms());
            try (Connection c = gantry.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO chaos_runs (job_id, attempt, worker_id) VALUES (?, ?, ?)")) {
                ps.setLong(1, ctx.jobId());
                ps.setInt(2, ctx.attempt());
                ps.setString(3, workerId);
                ps.executeUpdate();
            }
            return Map.of("attempt", ctx.attempt(), "worker", workerId);
        });
        gantry.start();
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
