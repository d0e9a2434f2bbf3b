/**
 * Public API: job statistics as values ({@link dev.gantry.stats.JobStats} and its parts) and the
 * {@link dev.gantry.stats.StatsReader} that gives them: counts per queue and state, the oldest
 * available job per queue, and windows and per-minute series from the rollup
 * {@code gantry.job_stats} (docs/stats.md). The reader's cache is internal. Depends on job.
 */
package dev.gantry.stats;
