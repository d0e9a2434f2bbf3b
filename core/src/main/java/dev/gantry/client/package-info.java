/**
 * Public API: the clients ({@link dev.gantry.client.GantryClient} for jobs,
 * {@link dev.gantry.client.QueueClient}, {@link dev.gantry.client.WorkerClient},
 * {@link dev.gantry.client.LogClient}, {@link dev.gantry.client.TokenClient},
 * {@link dev.gantry.client.ChangeFeed}) as interfaces, and the values they take and return.
 * Their implementations are internal. Depends on job, event and error only.
 */
package dev.gantry.client;
