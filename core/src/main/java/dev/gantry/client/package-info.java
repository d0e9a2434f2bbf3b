/**
 * The producer and operator side: {@link dev.gantry.client.GantryClient} enqueues (one, many, or
 * in the caller's transaction) and manages jobs; {@link dev.gantry.client.QueueClient} lists
 * queues and pauses them for every worker. Public API. Depends on job, store, config.
 */
package dev.gantry.client;
