/**
 * Internal: wake-ups. {@link dev.gantry.notify.PostgresNotifier} LISTENs on a dedicated
 * connection; {@link dev.gantry.notify.PollingNotifier} is the no-LISTEN mode for poolers.
 */
package dev.gantry.notify;
