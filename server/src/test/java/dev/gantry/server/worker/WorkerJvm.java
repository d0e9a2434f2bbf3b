package dev.gantry.server.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.server.Main;

/** A {@code gantry worker} process started from the test classpath, its output kept in a file. */
final class WorkerJvm implements AutoCloseable {
    final Process process;
    final Path output;

    private WorkerJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static WorkerJvm start(Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = Files.createTempFile("gantry-worker", ".log");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "worker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        for (String k : new java.util.ArrayList<>(e.keySet())) {
            if (k.startsWith("GANTRY_") || k.equals("DATABASE_URL") || k.startsWith("LOG_")) e.remove(k);
        }
        e.putAll(new HashMap<>(env));
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        return new WorkerJvm(pb.start(), out);
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
