package dev.gantry.store;

/** What one rescuer run did. */
public record RescueResult(int retried, int discarded) {
    public int total() {
        return retried + discarded;
    }
}
