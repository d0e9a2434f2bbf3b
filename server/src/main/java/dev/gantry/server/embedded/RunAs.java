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
import java.util.function.Function;

/**
 * The user PostgreSQL's programs run as. PostgreSQL refuses root and only serves a cluster
 * owned by the user it runs as, so: as a normal user, that user; as root, an unprivileged user
 * (the cluster's owner, nobody for a new cluster) through {@code setpriv}, never a process with
 * uid 0 on the host, since a PostgreSQL superuser can run programs. See docs/adr/0011.
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
     * Root dropping to an unprivileged user, without the right to regain privileges through a
     * set-user-ID program (no_new_privs). When that user cannot enter a directory above the data
     * ({@code hidden}, e.g. /root, mode 700), the programs run in a private mount namespace where
     * an empty tmpfs covers that directory and the data directory is bound at its own path: the
     * paths stay the same and nothing changes outside the namespace.
     */
    record OtherUser(int uid, int gid, String name, Path dataDir, Path hidden) implements RunAs {
        /** Runs in the new mount namespace as root: $1 the data directory, $2 the directory to cover, then the command. */
        private static final String REACH_DATA_DIR = """
                exec 3<"$1" && mount -t tmpfs -o mode=0755,size=1m gantry-hidden "$2" && mkdir -p "$1" \
                && mount --no-canonicalize --bind /proc/self/fd/3 "$1" && exec 3<&- || exit 125
                shift 2
                exec "$@"
                """;

        @Override
        public List<String> wrap(List<String> command) {
            List<String> c = new ArrayList<>();
            if (hidden != null) {
                c.addAll(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c", REACH_DATA_DIR,
                        "gantry-embedded", dataDir.toString(), hidden.toString()));
            }
            c.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--no-new-privs", "--"));
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
            return "as user " + name + " (setpriv" + (hidden == null ? "" : ", in a mount namespace that lets it pass "
                    + hidden) + ")";
        }
    }

    /**
     * Chooses for a data directory: a normal user runs PostgreSQL itself; root runs an existing
     * cluster as its owner, and a new one, or one an earlier gantry left owned by root, as nobody.
     */
    static RunAs choose(Path dataDir, Path cluster) {
        return choose(dataDir, cluster, Accounts.currentUid(), MountNamespaces::refusal);
    }

    /** {@code mountNamespaceRefusal}: why root may not cover a directory in a private mount namespace, or empty if it may. */
    static RunAs choose(Path dataDir, Path cluster, int me, Function<Path, Optional<String>> mountNamespaceRefusal) {
        Optional<Accounts.Account> owner = Accounts.owner(cluster);
        if (me != 0) {
            if (owner.isPresent() && owner.get().uid() != me) {
                throw new EmbeddedDatabaseException("embedded PostgreSQL: " + cluster + " belongs to "
                        + owner.get().name() + "; run gantry as that user, or choose another GANTRY_DATA_DIR");
            }
            return new CurrentUser();
        }
        Accounts.Account user = owner.filter(o -> o.uid() != 0).orElse(Accounts.nobody());
        // The data directory itself is opened for its user by DataDirectory; the directories above it are not ours.
        Optional<Path> blocked = dataDir.getParent() == null ? Optional.empty()
                : Accounts.firstUnreachable(dataDir.getParent(), user.uid(), user.gid());
        if (blocked.isEmpty()) return new OtherUser(user.uid(), user.gid(), user.name(), dataDir, null);
        Optional<String> refused = mountNamespaceRefusal.apply(blocked.get());
        if (refused.isEmpty()) return new OtherUser(user.uid(), user.gid(), user.name(), dataDir, blocked.get());
        throw new EmbeddedDatabaseException("embedded PostgreSQL must run as " + user.name() + " here (it refuses root),"
                + " and " + user.name() + " cannot enter " + blocked.get() + " (a private mount namespace could let it: "
                + refused.get() + "): set GANTRY_DATA_DIR to a directory outside it, e.g. /var/lib/gantry");
    }

    /** Whether root may create a private mount namespace that covers a directory (not in a default container); probed once per JVM. */
    final class MountNamespaces {
        private static volatile Optional<String> refusal;

        private MountNamespaces() {
        }

        static Optional<String> refusal(Path cover) {
            Optional<String> r = refusal;
            if (r == null) {
                r = probe(cover);
                refusal = r;
            }
            return r;
        }

        private static Optional<String> probe(Path cover) {
            Accounts.Account nobody = Accounts.nobody();
            try {
                ExternalCommand.Result r = new ExternalCommand(new OtherUser(nobody.uid(), nobody.gid(), nobody.name(), cover,
                        cover).wrap(List.of("true")), null, Duration.ofSeconds(10)).run();
                return r.ok() ? Optional.empty() : Optional.of(r.output().isEmpty() ? "unshare exited with " + r.exitCode()
                        : r.output().lines().findFirst().orElse(""));
            } catch (IOException e) {
                return Optional.of(e.getMessage());
            }
        }
    }
}
