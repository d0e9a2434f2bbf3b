/**
 * Internal: background upkeep that any worker may run: the stager (due jobs become available)
 * and the rescuer (expired leases are taken back). Depends on store, lifecycle, event, time.
 */
package dev.gantry.maintenance;
