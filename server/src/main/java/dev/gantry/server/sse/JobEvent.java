package dev.gantry.server.sse;

/** A job changed state: {@code from} is null for an insert, {@code to} null for a delete. */
public record JobEvent(long id, String queue, String kind, String from, String to, int attempt) {
}
