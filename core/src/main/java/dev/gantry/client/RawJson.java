package dev.gantry.client;

/** Args given as JSON text rather than an object to serialize (for example from an HTTP body). */
public record RawJson(String json) {
}
