/**
 * Internal: the supervised runtime. {@link dev.gantry.lifecycle.Supervisor} starts services in a
 * declared order and undoes a partial start; {@link dev.gantry.lifecycle.PeriodicLoop} and
 * {@link dev.gantry.lifecycle.RestartingLoop} are the error boundaries of every long-lived loop,
 * reporting through a {@link dev.gantry.lifecycle.Component} what {@code /health} shows.
 * Depends on event, health, time and error.
 */
package dev.gantry.lifecycle;
