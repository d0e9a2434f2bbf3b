package dev.gantry.store;

/** Ids {@code before + 1 .. after - 1} of the log are missing; {@code before} and {@code after} are present (or the start). */
public record LogGap(long before, long after) {
}
