package dev.gantry.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.Gantry;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;

/**
 * One JVM hosting many workers, each a {@link Gantry} with its own worker id, as the
 * hundred-worker test runs them (4 JVMs of 25 rather than 100 JVMs on a 2-core machine). With a
 * shared pool size above 0 the workers of the JVM take their connections from one pool of that
 * size, as an application hosting several workers would; with 0 each keeps its own pool of
 * {@link Gantry#DEFAULT_WORKER_POOL_SIZE}, as separate worker processes do. Kind
 * {@code test.noop} returns at once, its result the id of the worker that ran it. Prints "ready"
 * once every worker is fetching.
 * Arguments: database URL, worker id prefix, workers, concurrency each, shared pool size, listen.
 */
public final class FleetProcess {
    private FleetProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        String prefix = args[1];
        int workers = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int sharedPool = Integer.parseInt(args[4]);
        boolean listen = Boolean.parseBoolean(args[5]);
        HikariDataSource shared = null;
        if (sharedPool > 0) {
            DatabaseUrl u = DatabaseUrl.parse("url", url);
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(u.jdbcUrl());
            hc.setUsername(u.user());
            hc.setMaximumPoolSize(sharedPool);
            hc.setPoolName(prefix + "shared");
            shared = new HikariDataSource(hc);
        }
        List<Gantry> started = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            WorkerConfig config = WorkerConfig.builder().workerId(prefix + i).queue("default", concurrency)
                    .listen(listen).pollInterval(Duration.ofMillis(500)).build();
            Gantry.Builder b = Gantry.builder().worker(config);
            Gantry gantry = (shared != null ? b.dataSource(shared) : b.databaseUrl(url)).build();
            gantry.register("test.noop", Map.class, (a, ctx) -> Map.of("worker", ctx.workerId()));
            gantry.start();
            started.add(gantry);
        }
        HikariDataSource pool = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.parallelStream().forEach(Gantry::close);
            if (pool != null) pool.close();
        }));
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts a fleet JVM with the test classpath; its output (logs included) goes to {@code output}. */
    public static Process start(String url, String prefix, int workers, int concurrency, int sharedPool, boolean listen,
            Path output) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), FleetProcess.class.getName(), url, prefix,
                Integer.toString(workers), Integer.toString(concurrency), Integer.toString(sharedPool),
                Boolean.toString(listen));
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        return pb.start();
    }
}
