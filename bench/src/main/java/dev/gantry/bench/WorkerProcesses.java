package dev.gantry.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code gantry worker} processes from the server jar, configured through the environment
 * as an operator would. Output goes to a temporary file, kept when the run fails.
 */
final class WorkerProcesses implements AutoCloseable {
    private final BenchDatabase db;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();
    private boolean keepOutputs;

    private WorkerProcesses(BenchDatabase db) {
        this.db = db;
    }

    /** Starts {@code count} workers with ids bench-1.., and waits until all report running. */
    static WorkerProcesses start(BenchDatabase db, int count, Map<String, String> settings) throws Exception {
        WorkerProcesses w = new WorkerProcesses(db);
        try {
            for (int i = 1; i <= count; i++) w.launch("bench-" + i, settings);
            w.awaitStatus("running", count, Duration.ofSeconds(60));
            return w;
        } catch (Exception e) {
            w.close();
            throw e;
        }
    }

    private void launch(String id, Map<String, String> settings) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        String opts = System.getenv("GANTRY_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", db.options.serverJar(), "worker"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GANTRY_") || k.startsWith("LOG_"));
        env.putAll(new HashMap<>(Map.of("DATABASE_URL", db.options.databaseUrl(), "GANTRY_SCHEMA", db.schema,
                "GANTRY_WORKER_ID", id, "GANTRY_HTTP_PORT", "0", "LOG_FORMAT", "json")));
        env.putAll(settings);
        Path out = Files.createTempFile("gantry-bench-" + id + "-", ".log");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        processes.add(pb.start());
        outputs.add(out);
    }

    /** Waits until {@code count} workers show the status (running, stopped, ...) in gantry.workers. */
    void awaitStatus(String status, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (db.queryLong("SELECT count(*) FROM " + db.schema + ".workers WHERE status = ?", status) < count) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    throw new IllegalStateException("worker process exited; its output is in " + outputs.get(i));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workers did not report " + status + " within " + timeout + "; output in " + outputs);
            }
            Thread.sleep(50);
        }
    }

    /** Sends a command to every worker and waits until all acknowledged it. */
    void command(String command) throws Exception {
        long id = db.queryLong("SELECT " + db.schema + ".send_command('*', ?)", command);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (db.queryLong("SELECT count(*) FROM " + db.schema + ".worker_commands WHERE broadcast_id = ? "
                + "AND status = 'pending'", id) > 0) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(command + " was not acknowledged within 30 s");
            Thread.sleep(5);
        }
    }

    /**
     * Keeps the processes' output files after close, with a thread dump of each appended, and
     * names them, for a failure message.
     */
    String keepOutputs() {
        keepOutputs = true;
        String jcmd = ProcessHandle.current().info().command().map(j -> Path.of(j).resolveSibling("jcmd").toString())
                .orElse("jcmd");
        for (int i = 0; i < processes.size(); i++) {
            try {
                new ProcessBuilder(jcmd, Long.toString(processes.get(i).pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(outputs.get(i).toFile()))
                        .start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // the output alone still helps
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return outputs.toString();
    }

    /** The operating system's ids of the worker processes. */
    List<Long> pids() {
        return processes.stream().map(Process::pid).toList();
    }

    /** The highest resident set size any of the processes reached, in MB (Linux; -1 elsewhere). */
    double peakRssMb() {
        double peak = -1;
        for (Process p : processes) {
            File status = new File("/proc/" + p.pid() + "/status");
            try {
                for (String line : Files.readAllLines(status.toPath())) {
                    if (line.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }
        return peak;
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Path out : outputs) {
            if (keepOutputs) break;
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }
}
