/**
 * Gantry: durable background jobs on PostgreSQL. {@link dev.gantry.Gantry} is the entry point;
 * {@code client}, {@code job}, {@code config}, {@code event} and {@code error} are the public API,
 * every other package is internal.
 */
package dev.gantry;
