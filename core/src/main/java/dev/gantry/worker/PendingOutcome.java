package dev.gantry.worker;

import dev.gantry.store.OutcomeRow;

/**
 * An outcome waiting in the completer, with the job it belongs to, how long it ran, and when it
 * was queued (monotonic), which tells how long it has been waiting to be written.
 */
record PendingOutcome(RunningJob job, OutcomeRow row, long runNanos, long queuedNanos) {
}
