/**
 * Internal: the public clients implemented on the stores ({@code Store*Client}), the statistics
 * reader with its cache, the change feed and the log followers, and the one LISTEN connection
 * the client side shares. Built by the {@code Gantry} facade; depends on client, stats, store,
 * notify, lifecycle and the bottom packages, never on worker or control.
 */
package dev.gantry.backend;
