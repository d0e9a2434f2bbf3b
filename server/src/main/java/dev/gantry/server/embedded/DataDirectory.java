package dev.gantry.server.embedded;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The embedded PostgreSQL's directory: binaries ({@code postgres-<hash>/}), cluster
 * ({@code pgdata/}), server log and state (port, password). A lock on {@code gantry.lock},
 * held while open, keeps a second gantry process out; the kernel drops it when a process dies,
 * however it dies, so a lock is never stale.
 */
final class DataDirectory implements AutoCloseable {
    private static final String LOCK_FILE = "gantry.lock";
    private static final String STATE_FILE = "embedded.properties";
    private static final String LOG_FILE = "postgresql.log";
    /** A log past this size is moved to postgresql.log.1 at start, so it never grows without bound. */
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

    /**
     * What a restart needs: the port it listened on (users' pg_dump scripts use it), the password
     * of the superuser postgres (administration only) and that of role gantry, which Gantry uses.
     */
    record State(int port, String superuserPassword, String password) {
        State withPort(int newPort) {
            return new State(newPort, superuserPassword, password);
        }

        boolean complete() {
            return !superuserPassword.isEmpty() && !password.isEmpty();
        }

        @Override
        public String toString() {
            return "State[port=" + port + ", passwords=****]";
        }
    }

    private final Path root;
    private final RunAs runAs;
    private final FileChannel lockChannel;

    private DataDirectory(Path root, RunAs runAs, FileChannel lockChannel) {
        this.root = root;
        this.runAs = runAs;
        this.lockChannel = lockChannel;
    }

    /** Creates the directory if needed, checks it is safe and writable, and takes the lock. */
    static DataDirectory open(Path root, RunAs runAs) {
        create(root, runAs);
        if (runAs instanceof RunAs.OtherUser user) requireSafeForRoot(root, user);
        try {
            Files.deleteIfExists(Files.createTempFile(root, ".write-test", ""));
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root + " is not writable ("
                    + reason(e) + "); set GANTRY_DATA_DIR to a writable directory");
        }
        return new DataDirectory(root, runAs, lock(root));
    }

    private static void create(Path root, RunAs runAs) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root
                    + " is a file, not a directory; set GANTRY_DATA_DIR to a directory");
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = root; p != null && !Files.exists(p); p = p.getParent()) missing.addFirst(p);
        try {
            for (Path p : missing) {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, runAs.dataDirPermissions());
            }
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot create data directory " + root + " ("
                    + reason(e) + "); set GANTRY_DATA_DIR to a writable directory");
        }
    }

    /**
     * As root, the JVM moves, deletes and reads files here that PostgreSQL's user must not be
     * able to swap (for a link to /etc/shadow, say): the directory must belong to root (or to
     * the cluster's user, who made it running gantry itself) and be writable by nobody else.
     * PostgreSQL's user must be able to enter it; a directory an earlier gantry made rwx------
     * gets --x for others.
     */
    private static void requireSafeForRoot(Path root, RunAs.OtherUser user) {
        try {
            int owner = (int) Files.getAttribute(root, "unix:uid");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(root);
            if (owner != 0 && owner != user.uid()) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root + " belongs to "
                        + Accounts.name(owner) + ", and as root gantry only keeps its data in a directory of root's (or of "
                        + user.name() + ", who runs PostgreSQL): chown root " + root + ", or set GANTRY_DATA_DIR to another directory");
            }
            if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root + " is writable by "
                        + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group") + " ("
                        + PosixFilePermissions.toString(mode) + "), who could swap the files gantry handles there as root:"
                        + " chmod go-w " + root + ", or set GANTRY_DATA_DIR to another directory");
            }
            if (owner == 0 && !mode.containsAll(Set.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE))) {
                mode.addAll(Set.of(PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(root, mode);
            }
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot inspect data directory " + root + " ("
                    + reason(e) + ")", e);
        }
    }

    /**
     * Gives a cluster that an earlier gantry ran as root in a user namespace (owned by root) to
     * PostgreSQL's user, with its server logs. Links are changed, never followed.
     */
    void handOver(RunAs.OtherUser user) {
        try (Stream<Path> files = Files.walk(cluster())) {
            for (Path p : files.toList()) user.adopt(p);
            for (Path log : List.of(root.resolve(LOG_FILE), root.resolve(LOG_FILE + ".1"))) {
                if (Files.exists(log, LinkOption.NOFOLLOW_LINKS)) user.adopt(log);
            }
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot give " + cluster() + " to " + user.name()
                    + " (" + reason(e) + ")", e);
        }
    }

    private static FileChannel lock(Path root) {
        Path file = root.resolve(LOCK_FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                String holder = Files.readString(file).strip();
                ch.close();
                throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root
                        + " is in use by another gantry process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it or set GANTRY_DATA_DIR to another directory");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return ch;
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new EmbeddedDatabaseException("embedded PostgreSQL: data directory " + root
                    + " is already in use by this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot lock " + file + " (" + reason(e) + ")", e);
        }
    }

    Path root() {
        return root;
    }

    Path cluster() {
        return clusterIn(root);
    }

    static Path clusterIn(Path root) {
        return root.resolve("pgdata");
    }

    /** Where initdb builds a new cluster, moved to {@link #cluster()} once complete: a half-made cluster is never mistaken for one. */
    Path clusterUnderConstruction() {
        return root.resolve("pgdata.initializing");
    }

    /** The server log, created by us (PostgreSQL's user may not create files here) and rotated once past 10 MB. */
    Path log() throws IOException {
        Path log = root.resolve(LOG_FILE);
        if (Files.isRegularFile(log) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, root.resolve(LOG_FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            runAs.adopt(log);
        }
        return log;
    }

    /** The saved state, or null before the first initialization. */
    State state() {
        return readState(root);
    }

    /** The saved state of the data directory at {@code root}, without taking its lock (another process may own it). */
    static State readState(Path root) {
        Path file = root.resolve(STATE_FILE);
        if (!Files.exists(file)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return new State(Integer.parseInt(p.getProperty("port", "0").strip()),
                    p.getProperty("postgres.password", "").strip(), p.getProperty("gantry.password", "").strip());
        } catch (IOException | NumberFormatException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot read " + file + " (" + reason(e)
                    + "); it holds the port and password of the database in " + clusterIn(root), e);
        }
    }

    /** Written beside and moved over the old file, so a crash leaves the old state or the new, never half of one. */
    void save(State state) {
        Path file = root.resolve(STATE_FILE);
        try {
            Path tmp = Files.createTempFile(root, ".state", "");   // created rw------- by the JDK
            Properties p = new Properties();
            p.setProperty("port", Integer.toString(state.port()));
            p.setProperty("postgres.password", state.superuserPassword());
            p.setProperty("gantry.password", state.password());
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "gantry's embedded PostgreSQL: its port, and the passwords of superuser postgres and of role"
                        + " gantry, which owns database gantry");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot write " + file + " (" + reason(e) + ")", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(lockChannel);   // closing the channel releases the lock
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // releasing: nothing left to do
        }
    }

    /** The OS's reason without the path the message already names. */
    static String reason(Exception e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
