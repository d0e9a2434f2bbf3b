/**
 * The producer side: {@link dev.gantry.client.GantryClient} enqueues (one, many, or in the
 * caller's transaction) and manages jobs. Public API. Depends on job, store, config.
 */
package dev.gantry.client;
