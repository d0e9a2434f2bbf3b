package dev.gantry.testing;

import java.time.Duration;
import java.util.Map;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;

/**
 * A worker in its own JVM, for tests about processes (a SIGKILL must lose no job). Kinds:
 * {@code test.block} blocks until interrupted, {@code test.noop} returns at once,
 * {@code test.sleep} sleeps {@code {"ms": n}}.
 * Prints "ready" once fetching. Arguments: database URL, worker id, queue, concurrency, lease seconds.
 */
public final class WorkerProcess {
    private WorkerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        WorkerConfig config = WorkerConfig.builder()
                .workerId(args[1])
                .queue(args[2], Integer.parseInt(args[3]))
                .leaseDuration(Duration.ofSeconds(Integer.parseInt(args[4])))
                .build();
        Gantry gantry = Gantry.builder().databaseUrl(url).poolSize(6).worker(config).build();
        gantry.register("test.block", Map.class, (a, ctx) -> {
            Thread.sleep(Long.MAX_VALUE);
            return null;
        });
        gantry.register("test.noop", Map.class, (a, ctx) -> null);
        gantry.register("test.sleep", Map.class, (a, ctx) -> {
            Thread.sleep(((Number) a.get("ms")).longValue());
            return null;
        });
        gantry.start();
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts a worker JVM with the test classpath. */
    public static Process start(TestDatabase db, String workerId, String queue, int concurrency, int leaseSeconds)
            throws java.io.IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WorkerProcess.class.getName(), db.url(), workerId, queue, Integer.toString(concurrency),
                Integer.toString(leaseSeconds));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }
}
