package dev.gantry.client;

/**
 * What a bulk retry or cancel did.
 *
 * @param changed the jobs it changed
 * @param more    it stopped at its limit: more jobs may match, call again
 */
public record BulkResult(int changed, boolean more) {
}
