package dev.gantry.worker;

import dev.gantry.store.OutcomeRow;

/** An outcome waiting in the completer, with the job it belongs to and how long it ran. */
record PendingOutcome(RunningJob job, OutcomeRow row, long runNanos) {
}
