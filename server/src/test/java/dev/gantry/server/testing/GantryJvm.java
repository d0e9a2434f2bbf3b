package dev.gantry.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import dev.gantry.server.Main;

/**
 * A real {@code gantry <command>} process started from the test classpath, with only the
 * environment given (no GANTRY_ or DATABASE_URL variables leak in); its output goes to a file.
 */
public final class GantryJvm implements AutoCloseable {
    public final Process process;
    public final Path output;

    private GantryJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static GantryJvm start(Map<String, String> env, String... args) {
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path out = Files.createTempFile("gantry-" + args[0], ".log");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            Map<String, String> e = pb.environment();
            for (String k : new ArrayList<>(e.keySet())) {
                if (k.startsWith("GANTRY_") || k.equals("DATABASE_URL") || k.startsWith("LOG_")) e.remove(k);
            }
            e.putAll(new HashMap<>(env));
            pb.redirectErrorStream(true);
            pb.redirectOutput(out.toFile());
            return new GantryJvm(pb.start(), out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs a one-shot command to completion (bounded) and returns its exit code and output. */
    public static Result run(Duration timeout, Map<String, String> env, String... args) {
        try (GantryJvm p = start(env, args)) {
            Awaitility.await().atMost(timeout).until(() -> !p.process.isAlive());
            return new Result(p.process.exitValue(), p.output());
        }
    }

    public record Result(int exitCode, String output) {
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for a line matching {@code regex} and returns its first group. */
    public String awaitOutput(Duration timeout, String regex) {
        Pattern p = Pattern.compile(regex);
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive() && !p.matcher(output()).find()) {
                throw new AssertionError("process exited with " + process.exitValue() + ":\n" + output());
            }
            return p.matcher(output()).find();
        });
        Matcher m = p.matcher(output());
        m.find();
        return m.groupCount() > 0 ? m.group(1) : m.group();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, then waits for a graceful exit. */
    public int stop(Duration timeout) {
        process.destroy();
        Awaitility.await().atMost(timeout).until(() -> !process.isAlive());
        return process.exitValue();
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
