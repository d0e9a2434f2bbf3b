package dev.gantry.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL, run as root as on the build machines (and as nobody, the normal-user
 * path). Unpacking and initdb take seconds, so one start in {@code @BeforeAll} makes a template
 * that the other tests copy (binaries only, when they test initialization themselves).
 */
class EmbeddedDatabaseTest {
    @TempDir
    static Path work;
    private static Path template;
    private static int templatePort;
    private static final List<String> templateProgress = new CopyOnWriteArrayList<>();

    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final List<Path> used = new ArrayList<>();

    @BeforeAll
    static void startOnceFromNothing() throws IOException {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));   // nobody's tests enter it
        template = work.resolve("template");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(template, templateProgress::add)) {
            templatePort = db.port();
        }
    }

    @AfterEach
    void killWhatATestLeftRunning() {
        for (Path dir : used) {
            postmasterPid(dir).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void firstStartUnpacksInitializesAndReportsWhereItListens() {
        assertThat(templateProgress).anyMatch(l -> l.startsWith("unpacking PostgreSQL into " + template));
        assertThat(templateProgress).anyMatch(l -> l.startsWith("initializing data directory " + template.resolve("pgdata")));
        assertThat(templateProgress.getLast()).matches("PostgreSQL 14\\.\\d+ listening on 127\\.0\\.0\\.1:" + templatePort + " .*");
        assertThat(templateProgress).as("root runs PostgreSQL as an unprivileged user")
                .contains("running PostgreSQL as user nobody (setpriv): it refuses to run as root");
        assertThat(Files.exists(template.resolve("pgdata/postmaster.pid"))).as("close stopped the server").isFalse();
    }

    @Test
    void servesTheGantryDatabaseOnLoopbackWithAPassword() throws Exception {
        Path dir = copyOfTemplate("serves");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(db.url().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + db.port() + "/gantry");
            assertThat(query(db, "SELECT current_database() || ' ' || current_user")).isEqualTo("gantry gantry");
            assertThatThrownBy(() -> DriverManager.getConnection(db.url().jdbcUrl(), "postgres", "wrong").close())
                    .as("no trust authentication: any local user could be superuser").isInstanceOf(SQLException.class);
        }
    }

    @Test
    void gantryConnectsAsARoleThatCanNeitherRunProgramsNorReadServerFiles() throws Exception {
        Path dir = copyOfTemplate("least-privilege");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            execute(db, "CREATE SCHEMA owned_by_gantry", "CREATE TABLE owned_by_gantry.t (v text)");
            assertThat(query(db, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
            assertThatThrownBy(() -> execute(db, "COPY owned_by_gantry.t FROM PROGRAM 'id'"))
                    .as("a superuser runs programs as PostgreSQL's user")
                    .hasMessageContaining("must be superuser or a member of the pg_execute_server_program role");
            assertThatThrownBy(() -> query(db, "SELECT pg_read_file('/etc/shadow')")).hasMessageContaining("permission denied");
        }
    }

    /**
     * CVE-2018-1058's pattern: role gantry plants an operator in public of database postgres that
     * matches the superuser bootstrap's {@code rolname = ?} (name = varchar) better than
     * pg_catalog's, so the next start would run it as superuser.
     */
    @Test
    void gantryCannotPlantCodeThatTheSuperuserBootstrapRuns() throws Exception {
        Path dir = copyOfTemplate("hijack");
        String[] gantryInPostgres;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            gantryInPostgres = new String[] {"jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres", "gantry", db.url().password()};
            assertThatThrownBy(() -> execute(gantryInPostgres, HIJACK))
                    .as("no CREATE in public of database postgres").hasMessageContaining("permission denied for schema public");
            String[] gantryInTemplate1 = {"jdbc:postgresql://127.0.0.1:" + db.port() + "/template1", "gantry", db.url().password()};
            assertThatThrownBy(() -> execute(gantryInTemplate1, HIJACK))
                    .as("nor in template1, which new databases copy").hasMessageContaining("permission denied for schema public");
            // As if gantry had planted them before this fix, or had owned them some other way.
            execute(superuser(dir, db.port(), "postgres"), "GRANT CREATE ON SCHEMA public TO gantry");
            execute(gantryInPostgres, HIJACK);
            execute(superuser(dir, db.port(), "postgres"), "REVOKE CREATE ON SCHEMA public FROM gantry");
        }

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT rolsuper::text FROM pg_roles WHERE rolname = 'gantry'")).isEqualTo("false");
            assertThat(query(superuser(dir, db.port(), "postgres"),
                    "SELECT count(*) FROM pg_proc WHERE proname = 't' AND pronamespace = 'public'::regnamespace"))
                    .as("what gantry owned in database postgres is gone").isEqualTo("0");
        }
    }

    private static final String[] HIJACK = {
            "CREATE FUNCTION public.t(name, varchar) RETURNS boolean LANGUAGE sql"
                    + " AS $$ ALTER ROLE gantry SUPERUSER; SELECT $1::text = $2::text $$",
            "CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = varchar, FUNCTION = public.t)"};

    @Test
    void aSuperusersProgramsDoNotRunAsRootOnTheHost() throws Exception {
        Path dir = copyOfTemplate("copy-to-program");
        Path open = Files.createDirectories(work.resolve("open-to-all"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path made = open.resolve("made-by-postgres");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            execute(superuser(dir, db.port(), "postgres"), "COPY (SELECT 1) TO PROGRAM 'touch " + made + "'");
        }
        assertThat(made).exists();
        assertThat(Files.getAttribute(made, "unix:uid")).as("owned by PostgreSQL's unprivileged user, not root")
                .isEqualTo(Accounts.nobody().uid());
    }

    @Test
    void dataPersistsAcrossRestartsOnTheSamePort() throws Exception {
        Path dir = copyOfTemplate("persists");
        int port;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            port = db.port();
            execute(db, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('kept')");
        }
        progress.clear();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT v FROM t")).isEqualTo("kept");
            assertThat(db.port()).isEqualTo(port);
        }
        assertThat(progress).noneMatch(l -> l.startsWith("unpacking") || l.startsWith("initializing"));
    }

    @Test
    void startsAfterThePostmasterWasKilledHard() throws Exception {
        Path dir = copyOfTemplate("killed-postmaster");
        EmbeddedDatabase first = EmbeddedDatabase.start(dir, progress::add);
        execute(first, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('committed')");
        ProcessHandle postmaster = postmasterPid(dir).flatMap(ProcessHandle::of).orElseThrow();

        postmaster.destroyForcibly();   // SIGKILL: postmaster.pid and the shared memory stay behind
        await().atMost(Duration.ofSeconds(10)).until(() -> !postmaster.isAlive());
        first.close();                  // must cope with a dead server
        assertThat(dir.resolve("pgdata/postmaster.pid")).exists();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT v FROM t")).isEqualTo("committed");
        }
    }

    @Test
    void aLiveGantryKeepsItsDirectoryAndAKilledOnesPostgresStopsOnItsOwn() throws Exception {
        Path dir = copyOfTemplate("killed-jvm");
        try (EmbeddedJvm jvm = EmbeddedJvm.start(dir, scratch("killed-jvm"))) {
            int port = jvm.awaitReady();
            execute(urlOf(dir, port), "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('before the kill')");
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                    .hasMessage("embedded PostgreSQL: data directory " + dir + " is in use by another gantry process (pid "
                            + jvm.process.pid() + "); stop it or set GANTRY_DATA_DIR to another directory");
            ProcessHandle postmaster = postmasterPid(dir).flatMap(ProcessHandle::of).orElseThrow();

            jvm.process.destroyForcibly();   // SIGKILL: no shutdown hook runs
            jvm.process.waitFor();

            await().atMost(Duration.ofSeconds(15)).until(() -> !postmaster.isAlive());
            assertThat(Files.readString(dir.resolve("postgresql.log"))).as("a fast shutdown, not a crash")
                    .contains("received fast shutdown request", "database system is shut down");
            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
                assertThat(query(db, "SELECT v FROM t")).isEqualTo("before the kill");
            }
            assertThat(progress).noneMatch(l -> l.startsWith("stopping the PostgreSQL a previous run left running"));
        }
    }

    @Test
    void aPostgresLeftRunningWithoutItsWatchdogIsStoppedByTheNextStart() throws Exception {
        Path dir = copyOfTemplate("killed-watchdog");
        try (EmbeddedJvm jvm = EmbeddedJvm.start(dir, scratch("killed-watchdog"))) {
            int port = jvm.awaitReady();
            execute(urlOf(dir, port), "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('before the kill')");
            ProcessHandle orphan = postmasterPid(dir).flatMap(ProcessHandle::of).orElseThrow();
            List<ProcessHandle> watchdog = jvm.process.children().toList();   // the JVM's only child left running
            assertThat(watchdog).hasSize(1);

            watchdog.forEach(ProcessHandle::destroyForcibly);
            await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.stream().noneMatch(ProcessHandle::isAlive));
            jvm.process.destroyForcibly();
            jvm.process.waitFor();
            assertThat(orphan.isAlive()).isTrue();

            try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
                assertThat(query(db, "SELECT v FROM t")).isEqualTo("before the kill");
                assertThat(postmasterPid(dir)).isPresent().get().isNotEqualTo(orphan.pid());
            }
            assertThat(progress).contains("stopping the PostgreSQL a previous run left running (pid " + orphan.pid() + ") ...");
        }
    }

    @Test
    void sigtermStopsPostgresCleanly() throws Exception {
        Path dir = copyOfTemplate("sigterm");
        try (EmbeddedJvm jvm = EmbeddedJvm.start(dir, scratch("sigterm"))) {
            jvm.awaitReady();
            ProcessHandle postmaster = postmasterPid(dir).flatMap(ProcessHandle::of).orElseThrow();

            jvm.process.destroy();   // SIGTERM
            jvm.process.waitFor();

            assertThat(dir.resolve("pgdata/postmaster.pid")).as("removed by a clean shutdown").doesNotExist();
            await().atMost(Duration.ofSeconds(10)).until(() -> !postmaster.isAlive());
            assertThat(Files.readString(dir.resolve("postgresql.log"))).contains("database system is shut down");
        }
    }

    @Test
    void aNormalUserRunsItAndRootLaterRunsTheSameClusterAsThatUser() throws Exception {
        Path dir = work.resolve("normal-user/data");
        seedBinaries(dir);
        Accounts.Account nobody = Accounts.nobody();
        for (Path d : List.of(dir.getParent(), dir)) {   // the binaries stay root's, readable by all, as unpacked
            Files.setAttribute(d, "unix:uid", nobody.uid());
            Files.setAttribute(d, "unix:gid", nobody.gid());
        }
        try (EmbeddedJvm jvm = EmbeddedJvm.startAsNobody(dir, scratch("normal-user-jvm"))) {
            int port = jvm.awaitReady();
            execute(urlOf(dir, port), "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('by nobody')");
            assertThat(postmasterUser(dir)).isEqualTo("nobody");
            assertThat(jvm.output()).doesNotContain("user namespace", "setpriv");

            jvm.process.destroy();
            jvm.process.waitFor();
            assertThat(dir.resolve("pgdata/postmaster.pid")).as("non-root shutdown hook stopped it").doesNotExist();
        }

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT v FROM t")).isEqualTo("by nobody");
            assertThat(postmasterUser(dir)).isEqualTo("nobody");
        }
        assertThat(progress).contains("running PostgreSQL as user nobody (setpriv): it refuses to run as root");
    }

    @Test
    void rootRunsANewClusterInAHomeNobodyCannotEnterThroughAMountNamespace() throws Exception {
        Path closed = Files.createDirectories(work.resolve("closed-home-new"));
        Files.setPosixFilePermissions(closed, RunAs.PRIVATE);   // as /root
        Path dir = closed.resolve(".gantry/data");
        seedBinaries(dir);

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT current_database()")).isEqualTo("gantry");
            assertThat(postmasterUser(dir)).isEqualTo("nobody");
            assertThat(Files.getOwner(dir.resolve("pgdata")).getName()).isEqualTo("nobody");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(closed))).as("unchanged").isEqualTo("rwx------");
        }
        assertThat(progress).contains("running PostgreSQL as user nobody (setpriv, in a mount namespace that lets it pass "
                + closed + "): it refuses to run as root");
        assertThat(progress).anyMatch(l -> l.startsWith("initializing data directory"));
        assertThat(dir.resolve("pgdata/postmaster.pid")).doesNotExist();
    }

    /** The layout an earlier gantry made as root: cluster and log owned by root, in a home only root can enter. */
    @Test
    void aClusterAnEarlierGantryRanAsRootIsGivenToNobody() throws Exception {
        Path closed = Files.createDirectories(work.resolve("closed-home-old"));
        Files.setPosixFilePermissions(closed, RunAs.PRIVATE);
        Path dir = copyOfTemplate("closed-home-old/.gantry/data");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            execute(db, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('from the old scheme')");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.toList()) Files.setAttribute(f, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setPosixFilePermissions(dir, RunAs.PRIVATE);
        progress.clear();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(query(db, "SELECT v FROM t")).isEqualTo("from the old scheme");
            assertThat(postmasterUser(dir)).isEqualTo("nobody");
        }
        assertThat(progress).contains("giving " + dir.resolve("pgdata") + " to nobody: an earlier gantry ran"
                + " PostgreSQL with root's file access, this one never does (docs/adr/0011)");
        try (Stream<Path> cluster = Files.walk(dir.resolve("pgdata"))) {
            assertThat(cluster).allMatch(f -> uid(f) == Accounts.nobody().uid());
        }
        assertThat(uid(dir)).as("the data directory stays root's").isZero();
    }

    @Test
    void rootWithoutMountNamespacesNamesTheDirectoryNobodyCannotEnter() throws IOException {
        Path closed = Files.createDirectories(work.resolve("closed-home"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path dir = closed.resolve(".gantry/data");

        assertThatThrownBy(() -> RunAs.choose(dir, dir.resolve("pgdata"), 0, cover -> Optional.of("refused for the test")))
                .hasMessage("embedded PostgreSQL must run as nobody here (it refuses root), and nobody cannot enter " + closed
                        + " (a private mount namespace could let it: refused for the test): set GANTRY_DATA_DIR to a"
                        + " directory outside it, e.g. /var/lib/gantry");
    }

    @Test
    void asRootADataDirectoryOfAnotherUserIsRefused() throws IOException {
        Path dir = Files.createDirectories(work.resolve("of-daemon"));
        Files.setAttribute(dir, "unix:uid", 1);

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                .isInstanceOf(EmbeddedDatabaseException.class)
                .hasMessage("embedded PostgreSQL: data directory " + dir + " belongs to " + Accounts.name(1) + ", and as root"
                        + " gantry only keeps its data in a directory of root's (or of nobody, who runs PostgreSQL):"
                        + " chown root " + dir + ", or set GANTRY_DATA_DIR to another directory");
    }

    @Test
    void asRootADataDirectoryOthersCanWriteIsRefused() throws IOException {
        Path dir = Files.createDirectories(work.resolve("writable-by-all"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                .isInstanceOf(EmbeddedDatabaseException.class)
                .hasMessage("embedded PostgreSQL: data directory " + dir + " is writable by others (rwxrwxrwx), who could swap"
                        + " the files gantry handles there as root: chmod go-w " + dir + ", or set GANTRY_DATA_DIR to another"
                        + " directory");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add)).hasMessageContaining("is writable by its group");
        assertThat(progress).isEmpty();
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefused() throws IOException {
        Path file = Files.createFile(work.resolve("a-file"));

        assertThatThrownBy(() -> EmbeddedDatabase.start(file, progress::add))
                .isInstanceOf(EmbeddedDatabaseException.class)
                .hasMessage("embedded PostgreSQL: data directory " + file
                        + " is a file, not a directory; set GANTRY_DATA_DIR to a directory");
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsRefused() {
        Path dir = Path.of("/sys/gantry-test-data");

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                .isInstanceOf(EmbeddedDatabaseException.class)
                .hasMessageStartingWith("embedded PostgreSQL: cannot create data directory /sys/gantry-test-data (")
                .hasMessageEndingWith("); set GANTRY_DATA_DIR to a writable directory");
        assertThat(progress).isEmpty();
    }

    @Test
    void aDataDirectoryNotEvenRootCanWriteIsRefused() throws Exception {
        Path dir = Files.createDirectories(work.resolve("immutable"));
        assumeTrue(new ProcessBuilder("chattr", "+i", dir.toString()).start().waitFor() == 0,
                "chattr +i works on this file system");
        try {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                    .isInstanceOf(EmbeddedDatabaseException.class)
                    .hasMessage("embedded PostgreSQL: data directory " + dir
                            + " is not writable (Operation not permitted); set GANTRY_DATA_DIR to a writable directory");
        } finally {
            new ProcessBuilder("chattr", "-i", dir.toString()).start().waitFor();
        }
    }

    @Test
    void aSecondStartOnADirectoryInUseIsRefused() {
        Path dir = copyOfTemplate("in-use");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                    .hasMessage("embedded PostgreSQL: data directory " + dir + " is already in use by this process");
            assertThat(db.dataDir()).isEqualTo(dir);
        }
    }

    @Test
    void aRequestedPortInUseIsRefused() throws IOException {
        Path dir = copyOfTemplate("port-in-use");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {

            assertThatThrownBy(() -> EmbeddedDatabase.start(dir, taken.getLocalPort(), progress::add))
                    .isInstanceOf(EmbeddedDatabaseException.class)
                    .hasMessage("embedded PostgreSQL: port " + taken.getLocalPort()
                            + " on 127.0.0.1 is in use; choose another port or stop what listens there");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(db.port()).as("the failed start released the directory").isPositive();
        }
    }

    @Test
    void aRememberedPortNowTakenIsReplacedAndRemembered() throws Exception {
        Path dir = copyOfTemplate("port-taken");
        int moved;
        try (ServerSocket taken = new ServerSocket(templatePort, 1, InetAddress.getLoopbackAddress());
             EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            moved = db.port();
            assertThat(moved).isNotEqualTo(taken.getLocalPort());
            assertThat(query(db, "SELECT 'up'")).isEqualTo("up");
        }

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, progress::add)) {
            assertThat(db.port()).isEqualTo(moved);
        }
    }

    @Test
    void aClusterOfAnotherMajorVersionIsRefused() throws IOException {
        Path dir = seedBinaries(work.resolve("old-cluster"));
        Files.copy(template.resolve("embedded.properties"), dir.resolve("embedded.properties"));
        Files.createDirectories(dir.resolve("pgdata"));
        Files.writeString(dir.resolve("pgdata/PG_VERSION"), "13\n");

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                .hasMessageMatching("embedded PostgreSQL: " + dir + "/pgdata was made by PostgreSQL 13 and this gantry"
                        + " bundles 14\\.\\d+; dump it with pg_dump 13 and restore it into a PostgreSQL set in DATABASE_URL,"
                        + " or move it away to start afresh");
    }

    @Test
    void aClusterWithoutItsPasswordIsRefused() throws IOException {
        Path dir = seedBinaries(work.resolve("no-password"));
        Files.createDirectories(dir.resolve("pgdata"));
        Files.copy(template.resolve("pgdata/PG_VERSION"), dir.resolve("pgdata/PG_VERSION"));

        assertThatThrownBy(() -> EmbeddedDatabase.start(dir, progress::add))
                .hasMessageStartingWith("embedded PostgreSQL: " + dir + "/embedded.properties is missing or incomplete; it holds the passwords");
    }

    @Test
    void defaultDataDirIsTheVariableElseTheHome(@TempDir Path home) throws IOException {
        assertThat(EmbeddedDatabase.defaultDataDir("/srv/gantry", home, () -> true)).isEqualTo(Path.of("/srv/gantry"));
        assertThat(EmbeddedDatabase.defaultDataDir("  ", home, () -> false)).isEqualTo(home.resolve(".gantry/data"));
        assertThat(EmbeddedDatabase.defaultDataDir(null, home, () -> false)).isEqualTo(home.resolve(".gantry/data"));

        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        assertThat(EmbeddedDatabase.defaultDataDir(null, home, () -> true))
                .as("root without user namespaces: nobody cannot enter a closed home").isEqualTo(Path.of("/var/lib/gantry"));
        Files.createDirectories(home.resolve(".gantry/data"));
        assertThat(EmbeddedDatabase.defaultDataDir(null, home, () -> true))
                .as("data already in the home stays there").isEqualTo(home.resolve(".gantry/data"));
    }

    @Test
    void otherPlatformsAreToldToSetDatabaseUrl() {
        assertThatThrownBy(() -> PostgresBinaries.requireSupportedPlatform("Mac OS X", "aarch64"))
                .hasMessage("embedded PostgreSQL is not available on Mac OS X aarch64 (gantry.jar bundles it for"
                        + " Linux x86_64 only); set DATABASE_URL to a PostgreSQL server");
        assertThatThrownBy(() -> PostgresBinaries.requireSupportedPlatform("Linux", "aarch64"))
                .hasMessageStartingWith("embedded PostgreSQL is not available on Linux aarch64");
        PostgresBinaries.requireSupportedPlatform("Linux", "amd64");
    }

    private static int uid(Path p) {
        try {
            return (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the template's data directory (binaries, cluster, port and password), without its lock and log. */
    private Path copyOfTemplate(String name) {
        try {
            Path dir = seedBinaries(work.resolve(name));
            copyTree(template.resolve("pgdata"), dir.resolve("pgdata"), false);
            Files.copy(template.resolve("embedded.properties"), dir.resolve("embedded.properties"), StandardCopyOption.COPY_ATTRIBUTES);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A data directory holding only the template's unpacked binaries, hard-linked (they are only
     * read, and copying 58 MB per test is slow): its first start runs initdb, not the unpacking.
     */
    private Path seedBinaries(Path dir) throws IOException {
        used.add(dir);
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(template)) {
            Path binaries = entries.filter(p -> p.getFileName().toString().startsWith("postgres-")).findFirst().orElseThrow();
            copyTree(binaries, dir.resolve(binaries.getFileName()), true);
        }
        return dir;
    }

    private static void copyTree(Path from, Path to, boolean link) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (link && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) Files.createLink(target, f);
                else Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static Path scratch(String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve("scratch-" + name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static Optional<Long> postmasterPid(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(dir.resolve("pgdata/postmaster.pid")).getFirst().strip()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String postmasterUser(Path dir) {
        return postmasterPid(dir).flatMap(ProcessHandle::of).flatMap(p -> p.info().user()).orElse("(not running)");
    }

    /** The URL a process started on {@code dir} serves, from the state file docs/embedded-postgres.md documents. */
    private static String[] urlOf(Path dir, int port) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("embedded.properties"))) {
            p.load(r);
        }
        return new String[] {"jdbc:postgresql://127.0.0.1:" + port + "/gantry", "gantry", p.getProperty("gantry.password")};
    }

    /** The superuser postgres, whose password only embedded.properties holds. */
    private static String[] superuser(Path dir, int port, String database) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("embedded.properties"))) {
            p.load(r);
        }
        return new String[] {"jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", p.getProperty("postgres.password")};
    }

    private static String query(String[] url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url[0], url[1], url[2]);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(EmbeddedDatabase db, String... statements) throws SQLException {
        execute(new String[] {db.url().jdbcUrl(), db.url().user(), db.url().password()}, statements);
    }

    private static void execute(String[] url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url[0], url[1], url[2]); Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
    }

    private static String query(EmbeddedDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url().jdbcUrl(), db.url().user(), db.url().password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
