/**
 * Internal: background upkeep that any worker may run: the stager (due jobs become available),
 * the rescuer (expired leases are taken back) and the statistics compactor. Depends on store, lifecycle, event, time.
 */
package dev.gantry.maintenance;
