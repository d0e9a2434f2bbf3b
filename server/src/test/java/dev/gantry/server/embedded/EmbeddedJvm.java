package dev.gantry.server.embedded;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@link EmbeddedDatabaseProcess} in a JVM of its own, to be killed; as root, or as nobody through setpriv. */
final class EmbeddedJvm implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("READY (\\d+)");

    final Process process;
    private final Path output;

    private EmbeddedJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static EmbeddedJvm start(Path dataDir, Path scratch) throws IOException {
        return launch(List.of(), System.getProperty("java.class.path"), dataDir, scratch);
    }

    /** As nobody, who cannot read the class path under /root: it is copied to {@code scratch} first. */
    static EmbeddedJvm startAsNobody(Path dataDir, Path scratch) throws IOException {
        Accounts.Account nobody = Accounts.nobody();
        List<String> setpriv = List.of("setpriv", "--reuid=" + nobody.uid(), "--regid=" + nobody.gid(), "--clear-groups", "--");
        return launch(setpriv, readableCopy(System.getProperty("java.class.path"), scratch.resolve("classpath")), dataDir, scratch);
    }

    private static EmbeddedJvm launch(List<String> prefix, String classPath, Path dataDir, Path scratch) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-Xmx128m", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                EmbeddedDatabaseProcess.class.getName(), dataDir.toString()));
        Path out = Files.createTempFile(scratch, "jvm", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove(EmbeddedDatabase.DATA_DIR_ENV);
        pb.environment().put("HOME", scratch.toString());
        return new EmbeddedJvm(pb.start(), out);
    }

    private static String readableCopy(String classPath, Path into) throws IOException {
        Files.createDirectories(into);
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) continue;
            Path dst = into.resolve(i++ + (Files.isDirectory(src) ? "" : ".jar"));
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.toList()) {
                    Path target = dst.resolve(src.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(target);
                    else Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            entries.add(dst.toString());
        }
        try (Stream<Path> files = Files.walk(into)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Waits for READY and returns the port; fails with the process's output if it dies first. */
    int awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> READY.matcher(output()).find() || !process.isAlive());
        Matcher m = READY.matcher(output());
        if (!m.find()) throw new AssertionError("the embedded database process ended before it was ready:\n" + output());
        return Integer.parseInt(m.group(1));
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
