package dev.gantry.server.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;

/**
 * The PostgreSQL {@code gantry server} runs when {@code DATABASE_URL} is unset. Its data lives in
 * a directory ({@link #defaultDataDir()}) and persists across restarts; it listens on 127.0.0.1
 * only and Gantry connects as role gantry (no superuser) with a generated password; as root it
 * runs PostgreSQL as an unprivileged user, since PostgreSQL refuses root and its superuser can run
 * programs (docs/adr/0011). Details for users: docs/embedded-postgres.md.
 *
 * <pre>{@code
 * try (EmbeddedDatabase db = EmbeddedDatabase.start(EmbeddedDatabase.defaultDataDir(), System.out::println)) {
 *     Gantry gantry = Gantry.builder().databaseUrl(db.url())...build();
 *     db.beforeStop(gantry::close);   // at SIGTERM, workers release their jobs before PostgreSQL stops
 *     ...
 * }
 * }</pre>
 *
 * A JVM shutdown hook closes it on SIGTERM or Ctrl-C; when the JVM dies otherwise (SIGKILL), a
 * watchdog process stops PostgreSQL within seconds. What is left even so (a killed watchdog, a
 * stale postmaster.pid) the next start clears. Every
 * failure is an {@link EmbeddedDatabaseException} (or a {@link ConfigException} for a bad
 * {@code GANTRY_DATA_DIR}) whose message is one line that says what to do.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The environment variable that moves the data directory. */
    public static final String DATA_DIR_ENV = "GANTRY_DATA_DIR";
    /** The database Gantry uses inside the embedded server. */
    public static final String DATABASE = "gantry";
    /** Used where root cannot keep the data in its home (no user namespaces, home closed to others). */
    static final Path SHARED_DATA_DIR = Path.of("/var/lib/gantry");

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String SUPERUSER = "postgres";
    /** The role Gantry connects as: it owns database gantry and nothing else, and is no superuser (docs/adr/0011). */
    private static final String ROLE = "gantry";
    // Server administration, not Gantry's schema, so outside the store: the role and the database the store lives in.
    // It runs as superuser, so every name is schema-qualified and the session's search_path is pg_catalog
    // alone: an operator or function that role gantry planted elsewhere is never picked (CVE-2018-1058).
    /** The superuser's sessions resolve names in pg_catalog only. */
    private static final String SUPERUSER_OPTIONS = "-c search_path=pg_catalog";
    /** Whether the role exists. */
    private static final String ROLE_EXISTS = "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) ?::pg_catalog.name";
    /** The role, without superuser, role or database creation rights; its password is set separately, hashed by the driver. */
    private static final String CREATE_ROLE = "CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE";
    /** Whether the database exists. */
    private static final String DATABASE_EXISTS = "SELECT 1 FROM pg_catalog.pg_database WHERE datname OPERATOR(pg_catalog.=) ?::pg_catalog.name";
    /** The database, owned by the role so that it may create Gantry's schema in it. */
    private static final String CREATE_DATABASE = "CREATE DATABASE " + DATABASE + " OWNER " + ROLE;
    /**
     * The superuser's databases (postgres, template1, which new databases copy) get PostgreSQL
     * 15's public schema: only the database's owner may create in it, so role gantry plants
     * nothing there, while in database gantry, its own, it still may.
     */
    private static final List<String> CLOSE_PUBLIC_SCHEMA = List.of(
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "ALTER SCHEMA public OWNER TO pg_database_owner");
    /** How many objects the role owns in the current database: in the superuser's databases it should own none. */
    private static final String OBJECTS_OWNED = """
            SELECT pg_catalog.count(*) FROM pg_catalog.pg_shdepend d
             WHERE d.dbid OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database
                                                 WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
               AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass
               AND d.refobjid OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_roles
                                                     WHERE rolname OPERATOR(pg_catalog.=) ?::pg_catalog.name)
               AND d.deptype OPERATOR(pg_catalog.=) 'o'""";
    /** Removes them (objects in this database only; database gantry, a shared object, stays). */
    private static final String DROP_OWNED = "DROP OWNED BY " + ROLE;
    private static final int PORT_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Where PostgreSQL listens; port checks bind the same address (not ::1, which a preference for IPv6 could pick). */
    private static final InetAddress LOOPBACK = loopbackV4();

    private final DataDirectory dir;
    private final Postmaster postmaster;
    private final int port;
    private final String password;
    private final List<Runnable> beforeStop = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedDatabase(DataDirectory dir, Postmaster postmaster, int port, String password) {
        this.dir = dir;
        this.postmaster = postmaster;
        this.port = port;
        this.password = password;
        this.shutdownHook = new Thread(this::close, "gantry-embedded-postgres-stop");
    }

    /** Starts on the port of the previous run if it is free, else on a free one. */
    public static EmbeddedDatabase start(Path dataDir, Consumer<String> progress) {
        return start(dataDir, 0, progress);
    }

    /**
     * Starts PostgreSQL on 127.0.0.1:{@code port} (0: the previous run's port if free, else any
     * free port), unpacking the binaries and initializing the cluster on first use, and
     * creating the database {@value #DATABASE} if it is missing. Reports each step in one line.
     */
    public static EmbeddedDatabase start(Path dataDir, int port, Consumer<String> progress) {
        return start(dataDir, port, progress, RunAs::choose);
    }

    /** {@code runAs} chooses who PostgreSQL runs as, given the data directory and the cluster in it. */
    static EmbeddedDatabase start(Path dataDir, int port, Consumer<String> progress, BiFunction<Path, Path, RunAs> runAsFor) {
        Objects.requireNonNull(progress, "progress");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port: must be 0..65535, got " + port);
        PostgresBinaries.requireSupportedPlatform(System.getProperty("os.name"), System.getProperty("os.arch"));
        Path root = dataDir.toAbsolutePath().normalize();
        RunAs runAs = runAsFor.apply(root, DataDirectory.clusterIn(root));
        DataDirectory dir = DataDirectory.open(root, runAs);
        try {
            if (!(runAs instanceof RunAs.CurrentUser)) {
                progress.accept("running PostgreSQL " + runAs.description() + ": it refuses to run as root");
            }
            if (runAs instanceof RunAs.OtherUser user && Postmaster.initialized(dir.cluster())
                    && Accounts.owner(dir.cluster()).map(a -> a.uid() == 0).orElse(false)) {
                progress.accept("giving " + dir.cluster() + " to " + user.name() + ": an earlier gantry ran PostgreSQL"
                        + " with root's file access, this one never does (docs/adr/0011)");
                dir.handOver(user);
            }
            PostgresBinaries binaries = PostgresBinaries.install(root, runAs, progress);
            Postmaster postmaster = new Postmaster(binaries, runAs, dir.cluster(), dir.log());
            DataDirectory.State state = prepareCluster(dir, binaries, postmaster, progress);
            postmaster.clearLeftovers(progress);
            int listening = listen(dir, postmaster, state, port);
            EmbeddedDatabase db = new EmbeddedDatabase(dir, postmaster, listening, state.password());
            try {
                Runtime.getRuntime().addShutdownHook(db.shutdownHook);
                db.createRoleAndDatabase(state.superuserPassword(), progress);
                progress.accept("PostgreSQL " + binaries.version() + " listening on 127.0.0.1:" + listening
                        + " (data in " + root + ")");
                return db;
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        } catch (IOException e) {
            dir.close();
            throw new EmbeddedDatabaseException("embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Initializes the cluster on first use; later, checks it matches the binaries. Returns the state to start with. */
    private static DataDirectory.State prepareCluster(DataDirectory dir, PostgresBinaries binaries, Postmaster postmaster,
                                                      Consumer<String> progress) {
        DataDirectory.State state = dir.state();
        if (Postmaster.initialized(dir.cluster())) {
            String made = Postmaster.clusterVersion(dir.cluster());
            if (!made.equals(binaries.major())) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: " + dir.cluster() + " was made by PostgreSQL "
                        + made + " and this gantry bundles " + binaries.version() + "; dump it with pg_dump " + made
                        + " and restore it into a PostgreSQL set in DATABASE_URL, or move it away to start afresh");
            }
            if (state == null || !state.complete()) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: " + dir.root().resolve("embedded.properties")
                        + " is missing or incomplete; it holds the passwords of the database in " + dir.cluster()
                        + ": restore it, or move " + dir.cluster() + " away to start afresh");
            }
            return state;
        }
        progress.accept("initializing data directory " + dir.cluster() + " ...");
        DataDirectory.State fresh = new DataDirectory.State(state == null ? 0 : state.port(), newPassword(), newPassword());
        postmaster.init(dir.clusterUnderConstruction(), fresh.superuserPassword());
        dir.save(fresh);   // before the cluster is in place: a cluster is never without its passwords
        try {
            Files.move(dir.clusterUnderConstruction(), dir.cluster());
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot move the new cluster into " + dir.cluster()
                    + " (" + DataDirectory.reason(e) + ")", e);
        }
        return fresh;
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address always resolves", e);
        }
    }

    private static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Starts on the wanted port: the requested one, else the remembered one while free, else
     * a free one. Another program can take a port between our check and PostgreSQL's bind; then
     * a port we chose is chosen again, a requested one is an error.
     */
    private static int listen(DataDirectory dir, Postmaster postmaster, DataDirectory.State state, int requested) {
        int candidate = requested != 0 ? requested : state.port();
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            if (candidate == 0 || !free(candidate)) {
                if (requested != 0) throw portInUse(requested);
                candidate = freePort();
            }
            if (candidate != state.port()) dir.save(state.withPort(candidate));
            if (postmaster.start(candidate) == Postmaster.Start.STARTED) return candidate;
            if (requested != 0) throw portInUse(requested);
            candidate = 0;
        }
        throw new EmbeddedDatabaseException("embedded PostgreSQL did not start: " + PORT_ATTEMPTS
                + " free ports were taken before it could listen on them");
    }

    private static EmbeddedDatabaseException portInUse(int port) {
        return new EmbeddedDatabaseException("embedded PostgreSQL: port " + port
                + " on 127.0.0.1 is in use; choose another port or stop what listens there");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: no free port on 127.0.0.1 (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Closes the public schema of the superuser's databases and removes what role gantry owns
     * there (on every start, so clusters made before this are fixed too), creates role and
     * database when missing, and sets the role's password from the state file (editing the file
     * rotates it). The driver hashes the password (SCRAM), so it never reaches the server, or its
     * log, in clear. template1 first: CREATE DATABASE copies it, and refuses while a session is in it.
     */
    private void createRoleAndDatabase(String superuserPassword, Consumer<String> progress) {
        try {
            for (String database : List.of("template1", "postgres")) {
                try (Connection c = superuser(database, superuserPassword)) {
                    for (String sql : CLOSE_PUBLIC_SCHEMA) execute(c, sql);
                    if (!exists(c, ROLE_EXISTS, ROLE)) {
                        execute(c, CREATE_ROLE);
                    } else if (count(c, OBJECTS_OWNED, ROLE) > 0) {
                        progress.accept("removing what role " + ROLE + " created in database " + database
                                + ", where only the superuser works");
                        execute(c, DROP_OWNED);
                    }
                    if (database.equals("postgres")) {
                        c.unwrap(PGConnection.class).alterUserPassword(ROLE, password.toCharArray(), "scram-sha-256");
                        if (!exists(c, DATABASE_EXISTS, DATABASE)) execute(c, CREATE_DATABASE);
                    }
                }
            }
        } catch (SQLException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot create role and database " + DATABASE + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private Connection superuser(String database, String superuserPassword) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", SUPERUSER);
        p.setProperty("password", superuserPassword);
        p.setProperty("options", SUPERUSER_OPTIONS);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    private static long count(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * The data directory: {@code GANTRY_DATA_DIR}, else {@code ~/.gantry/data}. As root,
     * PostgreSQL runs as nobody, who cannot enter a home like /root (mode 700) unless a private
     * mount namespace lets it; where those are unavailable (a container's default seccomp
     * profile) it is /var/lib/gantry, unless the home already holds the data.
     */
    public static Path defaultDataDir() {
        String home = System.getProperty("user.home", "");
        return defaultDataDir(System.getenv(DATA_DIR_ENV), home.startsWith("/") ? Path.of(home) : null,
                () -> rootWithoutMountNamespaces(Path.of(home)));
    }

    /** {@code home} is null when the user has none (a uid without a passwd entry, as OpenShift assigns). */
    static Path defaultDataDir(String env, Path home, BooleanSupplier rootWithoutMountNamespaces) {
        if (env != null && !env.isBlank()) {
            try {
                return Path.of(env.strip()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new ConfigException(DATA_DIR_ENV, "is not a valid path: " + e.getReason());
            }
        }
        if (home == null) {
            throw new ConfigException(DATA_DIR_ENV, "is not set and this user has no home directory to keep the"
                    + " embedded database in; set it to a writable directory, or set DATABASE_URL");
        }
        Path inHome = home.resolve(".gantry").resolve("data");
        if (!Files.exists(inHome) && Accounts.firstUnreachable(inHome, Accounts.nobody().uid(), Accounts.nobody().gid()).isPresent()
                && rootWithoutMountNamespaces.getAsBoolean()) {
            return SHARED_DATA_DIR;
        }
        return inHome;
    }

    private static boolean rootWithoutMountNamespaces(Path home) {
        return Accounts.currentUid() == 0 && RunAs.MountNamespaces.refusal(home).isPresent();
    }

    /**
     * Where Gantry connects: database {@value #DATABASE} as role gantry, which owns it and is no
     * superuser, with its generated password (mask it in logs: {@code url().password()}).
     */
    public DatabaseUrl url() {
        return new DatabaseUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, ROLE, password);
    }

    public int port() {
        return port;
    }

    /**
     * Where the embedded database kept in {@code dataDir} listens (or last listened), for commands
     * that run beside a {@code gantry server} (the CLI); empty when that directory holds none.
     */
    public static java.util.Optional<DatabaseUrl> urlOf(Path dataDir) {
        if (!Files.isDirectory(dataDir)) return java.util.Optional.empty();
        DataDirectory.State state = DataDirectory.readState(dataDir);
        if (state == null || state.port() == 0) return java.util.Optional.empty();
        return java.util.Optional.of(new DatabaseUrl("jdbc:postgresql://127.0.0.1:" + state.port() + "/" + DATABASE, ROLE,
                state.password()));
    }

    public Path dataDir() {
        return dir.root();
    }

    /**
     * Runs {@code action} when this database is about to stop, at {@link #close()} or at JVM exit,
     * in reverse order of registration. Register what uses the database (workers releasing their
     * jobs, the HTTP server): JVM shutdown hooks run concurrently, so a hook of their own would
     * race PostgreSQL's stop.
     */
    public synchronized void beforeStop(Runnable action) {
        beforeStop.add(Objects.requireNonNull(action, "action"));
    }

    /** Runs the before-stop actions, stops PostgreSQL (fast shutdown) and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Runnable action : beforeStop.reversed()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("action before stopping embedded postgres failed").setCause(e).log();
            }
        }
        try {
            postmaster.stop();
        } catch (RuntimeException e) {
            log.atWarn().setMessage("embedded postgres did not stop cleanly").addKeyValue("error", e.getMessage()).log();
        } finally {
            dir.close();
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyExiting) {
                // the JVM is shutting down; the hook will find us closed
            }
        }
    }
}
