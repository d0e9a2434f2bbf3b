/**
 * Internal: schedules. {@link dev.gantry.schedule.ScheduleSpec} reads a spec (cron with a time
 * zone, or a fixed interval) and gives its ticks; {@link dev.gantry.schedule.TickPlan} decides
 * which due ticks run after a delay; {@link dev.gantry.schedule.Scheduler} enqueues them, once
 * each, from any number of workers. Depends on store, error, time.
 */
package dev.gantry.schedule;
