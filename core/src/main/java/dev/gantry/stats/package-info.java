/**
 * Job statistics for the API and the dashboard: counts per queue and state (cached, a full
 * count is too slow for every call on a big table), the oldest available job per queue, and
 * windows and per-minute series read from the rollup {@code gantry.job_stats}, which the jobs
 * update trigger writes (docs/stats.md). Reading only; depends on store, job and time.
 */
package dev.gantry.stats;
