/**
 * Internal: the worker runtime. Per-queue fetchers claim with SKIP LOCKED, the executor runs
 * handlers on virtual threads with timeouts, the batch completer writes fenced outcomes, the
 * lease renewer keeps claims alive. Depends on job, store, notify, lifecycle, event, time, config.
 */
package dev.gantry.worker;
