/**
 * Internal: background upkeep that any worker may run: the stager (due jobs become available),
 * the rescuer (expired leases are taken back) and the statistics pruner. Depends on store, lifecycle, event, time.
 */
package dev.gantry.maintenance;
