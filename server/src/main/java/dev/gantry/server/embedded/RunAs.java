package dev.gantry.server.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The user PostgreSQL's programs run as. PostgreSQL refuses root and only serves a cluster
 * owned by the user it runs as, so: as a normal user, that user; as root, root mapped to an
 * unprivileged id in a user namespace (the data stays owned by root, wherever it is); as root
 * where user namespaces are unavailable (a container's default seccomp profile), the
 * unprivileged owner of the cluster through {@code setpriv}. See docs/adr/0008.
 */
sealed interface RunAs {
    Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    Set<PosixFilePermission> TRAVERSABLE = PosixFilePermissions.fromString("rwx--x--x");

    /** The command, wrapped so that it runs as PostgreSQL's user. */
    List<String> wrap(List<String> command);

    /** Hands a file or directory the JVM created to PostgreSQL's user. */
    default void adopt(Path path) throws IOException {
    }

    /** Permissions of a data directory the JVM creates: PostgreSQL's user must be able to enter it. */
    default Set<PosixFilePermission> dataDirPermissions() {
        return PRIVATE;
    }

    /** For progress lines: who PostgreSQL runs as. */
    String description();

    /** Not root: PostgreSQL runs as this process's user, as zonky runs it. */
    record CurrentUser() implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            return command;
        }

        @Override
        public String description() {
            return "as the current user";
        }
    }

    /**
     * Root, mapped to {@code uid}/{@code gid} inside a new user namespace: PostgreSQL sees itself
     * as that unprivileged user and the root-owned data as its own, while the kernel still checks
     * its file access as root's (without root's capabilities).
     */
    record UserNamespace(int uid, int gid) implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            List<String> c = new ArrayList<>(List.of("unshare", "--user", "--map-user=" + uid, "--map-group=" + gid, "--"));
            c.addAll(command);
            return c;
        }

        @Override
        public String description() {
            return "as root mapped to an unprivileged user in a user namespace";
        }
    }

    /** Root dropping to an unprivileged user who owns the cluster. */
    record OtherUser(int uid, int gid, String name) implements RunAs {
        @Override
        public List<String> wrap(List<String> command) {
            List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
            c.addAll(command);
            return c;
        }

        @Override
        public void adopt(Path path) throws IOException {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public Set<PosixFilePermission> dataDirPermissions() {
            return TRAVERSABLE;
        }

        @Override
        public String description() {
            return "as user " + name + " (setpriv)";
        }
    }

    /**
     * Chooses for a data directory: a normal user runs PostgreSQL itself; root runs an existing
     * cluster as its owner (in a user namespace when that owner is root) and a new one in a user
     * namespace when the kernel allows it, else as nobody.
     */
    static RunAs choose(Path dataDir, Path cluster) {
        return choose(dataDir, cluster, Accounts.currentUid(), UserNamespaces::refusal);
    }

    /** {@code userNamespaceRefusal}: why root may not create a user namespace mapped to nobody, or empty if it may. */
    static RunAs choose(Path dataDir, Path cluster, int me, BiFunction<Integer, Integer, Optional<String>> userNamespaceRefusal) {
        Optional<Accounts.Account> owner = Accounts.owner(cluster);
        if (me != 0) {
            if (owner.isPresent() && owner.get().uid() != me) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: " + cluster + " belongs to "
                        + owner.get().name() + "; run gantry as that user, or choose another GANTRY_DATA_DIR");
            }
            return new CurrentUser();
        }
        Accounts.Account nobody = Accounts.nobody();
        if (owner.isPresent() && owner.get().uid() != 0) {
            Accounts.Account o = owner.get();
            return reachable(new OtherUser(o.uid(), o.gid(), o.name()), dataDir, "it owns the cluster");
        }
        Optional<String> refused = userNamespaceRefusal.apply(nobody.uid(), nobody.gid());
        if (refused.isEmpty()) return new UserNamespace(nobody.uid(), nobody.gid());
        if (owner.isPresent()) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL: " + cluster + " is owned by root, which PostgreSQL"
                    + " can only run in a user namespace, and this system refuses them (" + refused.get()
                    + "); allow user namespaces, or give the cluster to nobody: chown -R nobody " + cluster);
        }
        return reachable(new OtherUser(nobody.uid(), nobody.gid(), nobody.name()), dataDir,
                "it refuses root and user namespaces are unavailable");
    }

    /** Root dropping to another user: that user must be able to enter the data directory. */
    private static RunAs reachable(OtherUser user, Path dataDir, String why) {
        Optional<Path> blocked = Accounts.firstUnreachable(dataDir, user.uid(), user.gid());
        if (blocked.isPresent()) {
            throw new EmbeddedDatabaseException("embedded PostgreSQL must run as " + user.name()
                    + " here (" + why + "), and " + user.name()
                    + " cannot enter " + blocked.get() + ": set GANTRY_DATA_DIR to a directory outside it, e.g. /var/lib/gantry");
        }
        return user;
    }

    /** Whether the kernel lets root create user namespaces here; probed once per JVM. */
    final class UserNamespaces {
        private static volatile Optional<String> refusal;

        private UserNamespaces() {
        }

        static Optional<String> refusal(int uid, int gid) {
            Optional<String> r = refusal;
            if (r == null) {
                r = probe(uid, gid);
                refusal = r;
            }
            return r;
        }

        private static Optional<String> probe(int uid, int gid) {
            try {
                ExternalCommand.Result r = new ExternalCommand(new UserNamespace(uid, gid).wrap(List.of("true")), null,
                        Duration.ofSeconds(10)).run();
                return r.ok() ? Optional.empty() : Optional.of(r.output().isEmpty() ? "unshare exited with " + r.exitCode()
                        : r.output().lines().findFirst().orElse(""));
            } catch (IOException e) {
                return Optional.of(e.getMessage());
            }
        }
    }
}
