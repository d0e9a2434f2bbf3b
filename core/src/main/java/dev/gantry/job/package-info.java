/**
 * The job model: {@link dev.gantry.job.Job}, its states, handlers, their context and retry
 * policies. Public API. Depends only on SLF4J; everything else depends on it.
 */
package dev.gantry.job;
