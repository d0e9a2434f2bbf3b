/**
 * Health and vital signs of a Gantry process: {@link dev.gantry.health.Health} (what
 * {@code /health} shows, component by component) and {@link dev.gantry.health.WorkerStats}
 * (counters for metrics). Public API; values only, depends on nothing else in Gantry.
 */
package dev.gantry.health;
