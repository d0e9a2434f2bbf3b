package dev.gantry.bench;

/** Progress for people watching, on stderr, so stdout stays the table and the JSON lines. */
final class Progress {
    private static final long START = System.nanoTime();

    private Progress() {
    }

    static void line(String message) {
        System.err.printf("[%6.1f s] %s%n", (System.nanoTime() - START) / 1e9, message);
    }
}
