package dev.gantry.server.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One cluster's server process, driven through initdb and pg_ctl run as PostgreSQL's user.
 * It listens on 127.0.0.1 only, without a Unix socket (no socket path to get too long or to
 * fall outside the data directory), and asks for a password (scram-sha-256): any local user
 * could otherwise connect as superuser. A watchdog stops it when the JVM that started it dies,
 * however it dies. Not thread-safe; EmbeddedDatabase serializes its use.
 */
final class Postmaster {
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    /** How long children of a killed postmaster may take to notice and exit before we give up. */
    private static final Duration LEFTOVER_TIMEOUT = Duration.ofSeconds(30);
    /** A fast shutdown ends with a checkpoint, which is quick for a job queue's data. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * Reads its stdin, a pipe whose other end only this JVM holds, until EOF: the kernel closes
     * that end when the JVM exits, even on SIGKILL, and the watchdog then asks the postmaster ($1)
     * for a fast shutdown. Terminal and service-manager signals are ignored so that it outlives
     * the JVM's shutdown; the JVM ends it with SIGKILL once it stopped PostgreSQL itself.
     */
    private static final String WATCHDOG = "trap '' HUP INT QUIT TERM; read -r _; kill -INT \"$1\"";

    enum Start { STARTED, PORT_IN_USE }

    private final PostgresBinaries binaries;
    private final RunAs runAs;
    private final Path cluster;
    private final Path log;
    private Process watchdog;

    Postmaster(PostgresBinaries binaries, RunAs runAs, Path cluster, Path log) {
        this.binaries = binaries;
        this.runAs = runAs;
        this.cluster = cluster;
        this.log = log;
    }

    static boolean initialized(Path cluster) {
        return Files.isRegularFile(cluster.resolve("PG_VERSION"));
    }

    /** The major version that created the cluster. */
    static String clusterVersion(Path cluster) {
        try {
            return Files.readString(cluster.resolve("PG_VERSION")).strip();
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot read " + cluster.resolve("PG_VERSION")
                    + " (" + DataDirectory.reason(e) + ")", e);
        }
    }

    /** initdb into {@code target}, with user postgres and the given password. */
    void init(Path target, String password) {
        try {
            PostgresBinaries.deleteTree(target);
            Files.createDirectory(target, PosixFilePermissions.asFileAttribute(RunAs.PRIVATE));
            runAs.adopt(target);
            Path pwfile = target.resolveSibling(".initdb-password");
            Files.deleteIfExists(pwfile);
            Files.writeString(Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), password + "\n");
            runAs.adopt(pwfile);
            try {
                ExternalCommand.Result r = run(List.of(binaries.program("initdb").toString(), "-D", target.toString(),
                        "-U", "postgres", "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                        "-E", "UTF8", "--locale=C"));
                if (!r.ok()) {
                    throw new EmbeddedDatabaseException("embedded PostgreSQL: initdb failed in " + target + ": "
                            + lastLines(r.output(), 3));
                }
            } finally {
                Files.deleteIfExists(pwfile);
            }
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot initialize " + target + " ("
                    + DataDirectory.reason(e) + ")", e);
        }
    }

    /**
     * Clears what a previous process killed without stopping PostgreSQL left behind (we hold the
     * data directory's lock, so no live gantry owns it): a postmaster still serving the cluster
     * is stopped, children of a killed postmaster are awaited (they still hold its shared
     * memory), and a postmaster.pid naming a pid now used by an unrelated process is removed
     * (PostgreSQL would refuse to start over it).
     */
    void clearLeftovers(Consumer<String> progress) {
        OptionalLong pid = pidFromFile();
        if (pid.isPresent() && serves(pid.getAsLong()) == Holder.CLUSTER) {
            progress.accept("stopping the PostgreSQL a previous run left running (pid " + pid.getAsLong() + ") ...");
            stop();
        }
        long deadline = System.nanoTime() + LEFTOVER_TIMEOUT.toNanos();
        List<Long> left;
        while (!(left = processesInCluster()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: processes of a previous run still use " + cluster
                        + " (pids " + left + "); stop them and start again");
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        pid = pidFromFile();
        if (pid.isPresent() && serves(pid.getAsLong()) == Holder.OTHER) {
            try {
                Files.deleteIfExists(cluster.resolve("postmaster.pid"));
            } catch (IOException e) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot remove the stale "
                        + cluster.resolve("postmaster.pid") + " (" + DataDirectory.reason(e) + ")", e);
            }
        }
    }

    /** Starts the server on 127.0.0.1:port and waits until it accepts connections. */
    Start start(int port) {
        long logStart = size(log);
        ExternalCommand.Result r;
        try {
            r = run(List.of(binaries.program("pg_ctl").toString(), "start", "-D", cluster.toString(), "-l", log.toString(),
                    "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds() - 10),
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"));
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
        if (r.ok()) {
            watch();
            return Start.STARTED;
        }
        String serverLog = readFrom(log, logStart);
        if (serverLog.contains("Address already in use")) return Start.PORT_IN_USE;
        throw new EmbeddedDatabaseException("embedded PostgreSQL did not start: "
                + firstProblem(serverLog).orElse(lastLines(r.output(), 2)) + " (server log: " + log + ")");
    }

    /**
     * Starts the watchdog of the postmaster that just started. A JVM killed between pg_ctl's
     * return and this leaves PostgreSQL running; the next start stops it (clearLeftovers).
     */
    private void watch() {
        OptionalLong pid = running();
        if (pid.isEmpty()) throw new EmbeddedDatabaseException("embedded PostgreSQL exited right after it started (server log: "
                + log + ")");
        try {
            watchdog = new ProcessBuilder(runAs.wrap(List.of("sh", "-c", WATCHDOG, "gantry-postgres-watchdog",
                    Long.toString(pid.getAsLong())))).directory(binaries.home().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            stop();
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot start the watchdog that stops it with gantry ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Fast shutdown: sessions are disconnected, open transactions rolled back, then a clean
     * checkpoint. We wait ourselves rather than with pg_ctl -w, which on PostgreSQL 14 keeps
     * waiting for a pid file that a killed postmaster never removes. The watchdog keeps watching
     * until PostgreSQL is down: a JVM killed while stopping still leaves nothing running.
     */
    void stop() {
        try {
            stopPostmaster();
        } finally {
            if (watchdog != null) {
                watchdog.destroyForcibly();
                watchdog.onExit().join();
                watchdog = null;
            }
        }
    }

    private void stopPostmaster() {
        if (running().isEmpty()) return;
        try {
            ExternalCommand.Result r = run(List.of(binaries.program("pg_ctl").toString(), "stop", "-D", cluster.toString(),
                    "-m", "fast", "-W"));
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            while (running().isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw new EmbeddedDatabaseException("embedded PostgreSQL did not stop within "
                            + STOP_TIMEOUT.toSeconds() + " s: " + lastLines(r.output(), 2) + " (server log: " + log + ")");
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL did not stop: " + e.getMessage(), e);
        }
    }

    /** The postmaster's pid while it runs. */
    OptionalLong running() {
        OptionalLong pid = pidFromFile();
        return pid.isPresent() && serves(pid.getAsLong()) == Holder.CLUSTER ? pid : OptionalLong.empty();
    }

    private ExternalCommand.Result run(List<String> command) throws IOException {
        // The working directory is one PostgreSQL's user may enter, which the JVM's may not be.
        return new ExternalCommand(runAs.wrap(command), binaries.home(), PG_CTL_TIMEOUT).run();
    }

    OptionalLong pidFromFile() {
        try {
            String first = Files.readAllLines(cluster.resolve("postmaster.pid")).stream().findFirst().orElse("").strip();
            return first.matches("\\d+") ? OptionalLong.of(Long.parseLong(first)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private enum Holder { CLUSTER, OTHER, UNKNOWN }

    /**
     * Whether a process serves this cluster: every PostgreSQL process works in its data
     * directory. Compared by file identity, since a process in a mount namespace may name it by
     * another path. A pid we may not inspect (another user's, when not root) is UNKNOWN: we
     * neither stop it nor remove its pid file, and PostgreSQL's own check decides.
     */
    private Holder serves(long pid) {
        try {
            return Files.isSameFile(Path.of("/proc", Long.toString(pid), "cwd"), cluster) ? Holder.CLUSTER : Holder.OTHER;
        } catch (NoSuchFileException e) {
            return Holder.OTHER;   // gone, or a zombie
        } catch (IOException | SecurityException e) {
            return Files.exists(Path.of("/proc", Long.toString(pid))) ? Holder.UNKNOWN : Holder.OTHER;
        }
    }

    private List<Long> processesInCluster() {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && serves(Long.parseLong(name)) == Holder.CLUSTER) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) return "";
            byte[] b = new byte[(int) Math.min(length - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static java.util.Optional<String> firstProblem(String serverLog) {
        return serverLog.lines().filter(l -> l.contains("FATAL:") || l.contains("PANIC:"))
                .map(l -> l.substring(l.indexOf(l.contains("FATAL:") ? "FATAL:" : "PANIC:")).strip()).findFirst();
    }

    private static String lastLines(String output, int n) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return PostgresBinaries.oneLine(String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())));
    }
}
