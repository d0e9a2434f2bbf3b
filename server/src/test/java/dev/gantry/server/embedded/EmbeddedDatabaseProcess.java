package dev.gantry.server.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A gantry-like process for the tests to kill: starts the embedded database on the data
 * directory in args[0], prints each progress line and then {@code READY <port>}, and waits
 * until it is killed or terminated.
 */
public final class EmbeddedDatabaseProcess {
    private EmbeddedDatabaseProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), line -> System.out.println("progress: " + line));
        System.out.println("READY " + db.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
