package dev.gantry.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;

/**
 * The embedded PostgreSQL for test runs as root, where {@code initdb} refuses to start (it will
 * not run as root, and zonky's launcher has no way to change user). The same binaries zonky
 * ships are unpacked here and run as {@code nobody} through {@code setpriv} (util-linux).
 */
final class RootEmbeddedPostgres {
    private RootEmbeddedPostgres() {
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Starts a server on a free loopback port, stopped and deleted at JVM exit; returns its port. */
    static int start() throws IOException, InterruptedException {
        Server server = startServer();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server.port();
    }

    /** A server of its own, run as nobody; closing stops it and deletes its files. */
    record Server(int port, Path home) implements AutoCloseable {
        @Override
        public void close() {
            try {
                asNobody(home.resolve("bin/pg_ctl").toString(), "-D", home.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop");
            } catch (IOException e) {
                // already stopped; delete the files anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory may stay behind
            }
        }
    }

    /**
     * Starts a server on a free loopback port with zonky's binaries, as nobody.
     * @param settings extra server settings, each "name=value" (passed as -c name=value)
     */
    static Server startServer(String... settings) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory("gantry-embedded-pg");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64")) {
            unpack(txz, home);
        }
        Path data = home.resolve("data");
        Files.createDirectory(data);
        UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(data, nobody);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        asNobody(home.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync");
        StringBuilder options = new StringBuilder("-p " + port + " -h 127.0.0.1 -k " + data + " -F");
        for (String setting : settings) options.append(" -c ").append(setting);
        asNobody(home.resolve("bin/pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("log").toString(),
                "-o", options.toString(), "-w", "start");
        return new Server(port, home);
    }

    /** The command line that runs {@code command} as nobody (for a long-running process). */
    static List<String> asNobodyCommand(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=" + nobodyGroup(),
                "--clear-groups"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static void asNobody(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(asNobodyCommand(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    /** nobody's primary group id, from /etc/passwd (its name differs between distributions). */
    private static String nobodyGroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":");
            if (f.length > 3 && f[0].equals("nobody")) return f[3];
        }
        throw new IOException("no user nobody in /etc/passwd to run the embedded PostgreSQL as");
    }

    private static void unpack(InputStream txz, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(txz)))) {
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
        try (Stream<Path> dirs = Files.walk(into)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }
}
