package dev.gantry.server.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Linux user ids as RunAs needs them: who we are, who owns a path, nobody, who can enter a directory. */
final class Accounts {
    /** nobody's ids where /etc/passwd does not name it (the kernel's overflow ids). */
    private static final int OVERFLOW_ID = 65534;

    record Account(String name, int uid, int gid) {
    }

    private Accounts() {
    }

    /** The effective uid of this process: /proc/self belongs to it. */
    static int currentUid() {
        try {
            return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /** The owner of a path, if it exists. */
    static Optional<Account> owner(Path path) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:uid,gid");
            int uid = (int) a.get("uid");
            return Optional.of(new Account(name(uid), uid, (int) a.get("gid")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The user to run PostgreSQL as when root has no user namespace: nobody, whose ids vary between distributions. */
    static Account nobody() {
        return passwd("nobody", -1).orElse(new Account("nobody", OVERFLOW_ID, OVERFLOW_ID));
    }

    static String name(int uid) {
        return passwd(null, uid).map(Account::name).orElse("uid " + uid);
    }

    private static Optional<Account> passwd(String name, int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length < 4) continue;
                try {
                    Account a = new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
                    if (a.name().equals(name) || (name == null && a.uid() == uid)) return Optional.of(a);
                } catch (NumberFormatException ignored) {
                    // a malformed line names nobody we look for
                }
            }
        } catch (IOException ignored) {
            // no passwd file: fall back to ids
        }
        return Optional.empty();
    }

    /**
     * The first existing directory from / down to {@code dir} that uid/gid (without supplementary
     * groups, which setpriv clears) may not enter; directories still to be created are ours to make enterable.
     */
    static Optional<Path> firstUnreachable(Path dir, int uid, int gid) {
        Path current = dir.getRoot();
        for (Path part : dir) {
            current = current.resolve(part);
            if (!Files.isDirectory(current)) break;
            try {
                Map<String, Object> a = Files.readAttributes(current, "unix:uid,gid,permissions");
                @SuppressWarnings("unchecked")
                Set<PosixFilePermission> p = (Set<PosixFilePermission>) a.get("permissions");
                boolean enters = (int) a.get("uid") == uid ? p.contains(PosixFilePermission.OWNER_EXECUTE)
                        : (int) a.get("gid") == gid ? p.contains(PosixFilePermission.GROUP_EXECUTE)
                        : p.contains(PosixFilePermission.OTHERS_EXECUTE);
                if (!enters) return Optional.of(current);
            } catch (IOException e) {
                return Optional.of(current);
            }
        }
        return Optional.empty();
    }
}
