package dev.gantry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.config.ControlHooks;
import dev.gantry.config.SchemaName;
import dev.gantry.config.WorkerConfig;
import dev.gantry.control.ControlPlane;
import dev.gantry.control.LogShipper;
import dev.gantry.control.QueueMonitor;
import dev.gantry.control.WorkerState;
import dev.gantry.event.GantryListener;
import dev.gantry.health.WorkerStats;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.lifecycle.Supervisor;
import dev.gantry.maintenance.JobPruner;
import dev.gantry.maintenance.JobRescuer;
import dev.gantry.maintenance.JobStager;
import dev.gantry.maintenance.StatsCompactor;
import dev.gantry.notify.Notifier;
import dev.gantry.schedule.Scheduler;
import dev.gantry.notify.PollingNotifier;
import dev.gantry.notify.PostgresNotifier;
import dev.gantry.store.CommandStore;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.QueueStore;
import dev.gantry.store.RetentionStore;
import dev.gantry.store.ScheduleStore;
import dev.gantry.store.StatsStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.TimeSource;
import dev.gantry.worker.HandlerRegistry;
import dev.gantry.worker.WorkerRuntime;

/**
 * A worker process's parts, built once per {@link Gantry#start()} and added to the supervisor in
 * the one order that works both ways: started first is stopped last.
 *
 * <ol>
 *   <li>log-shipper: ships the lines the rest logs, so it is up first and flushed last;</li>
 *   <li>registration: the worker's row (at stop: its final status);</li>
 *   <li>heartbeat: goes on while running jobs drain, so the worker is not taken for dead;</li>
 *   <li>completer, lease-renewer, drain, fetcher-&lt;queue&gt;: the worker runtime;</li>
 *   <li>commands: acts on the runtime;</li>
 *   <li>listener: LISTENs once every part has subscribed;</li>
 *   <li>stager, rescuer, queue-monitor, scheduler, retention, stats-compactor: upkeep.</li>
 * </ol>
 */
final class WorkerAssembly {
    /** The statistics rollup is per minute; compacting it more often would find nothing new. */
    private static final Duration STATS_UPKEEP_INTERVAL = Duration.ofMinutes(1);

    final WorkerConfig config;
    final WorkerRuntime runtime;
    final ControlPlane control;
    final LogShipper logShipper;
    final QueueMonitor queueMonitor;

    WorkerAssembly(WorkerConfig config, Db db, SchemaName schema, JobStore jobStore, QueueStore queueStore,
                   StatsStore statsStore, HandlerRegistry handlers, ObjectMapper json, GantryListener listener,
                   TimeSource time, ControlHooks hooks, int logBufferSize, String version, Supervisor supervisor) {
        this.config = config;
        Notifier notifier = config.listen()
                ? new PostgresNotifier(db.dataSource(), "gantry-listener", supervisor.component("listener"))
                : new PollingNotifier();
        LogStore logStore = new LogStore(db, schema, time);
        logShipper = new LogShipper(logStore, config.workerId(), logBufferSize, Duration.ofMillis(200),
                supervisor.component("log-shipper"));
        runtime = new WorkerRuntime(config, jobStore, queueStore, handlers, json, notifier, listener, time, supervisor);
        control = new ControlPlane(new WorkerStore(db, schema, time), new CommandStore(db, schema, time), logStore,
                runtime, new WorkerState(time), hooks, json, notifier, schema, version, supervisor);
        queueMonitor = new QueueMonitor(jobStore, config.monitorInterval());

        supervisor.add("log-shipper", logShipper);
        supervisor.add("registration", control.registration());
        supervisor.add("heartbeat", control.heartbeat());
        runtime.addSteps(supervisor);
        supervisor.add("commands", control.commands());
        supervisor.add("listener", notifier);
        supervisor.add("stager", loop(supervisor, "stager", config.stageInterval(), new JobStager(jobStore, listener)::runOnce));
        supervisor.add("rescuer", loop(supervisor, "rescuer", config.rescueInterval(), new JobRescuer(jobStore, listener)::runOnce));
        supervisor.add("queue-monitor", loop(supervisor, "queue-monitor", config.monitorInterval(), queueMonitor::runOnce));
        supervisor.add("scheduler", loop(supervisor, "scheduler", config.scheduleInterval(),
                new Scheduler(new ScheduleStore(db, schema, time), jobStore)::runOnce));
        JobPruner pruner = new JobPruner(new RetentionStore(db, schema, time), config.retention(), config.retentionArchive(),
                listener, time);
        supervisor.add("retention", loop(supervisor, "retention", config.retentionInterval(), pruner::runOnce));
        supervisor.add("stats-compactor", loop(supervisor, "stats-compactor", STATS_UPKEEP_INTERVAL,
                new StatsCompactor(statsStore, config.statsRetention())::runOnce));
    }

    private static Service loop(Supervisor supervisor, String name, Duration interval, Runnable task) {
        return new PeriodicLoop(supervisor.component(name), interval, task);
    }

    /**
     * Why this worker is stalled, or null: an unpaused queue of it has had jobs available for
     * longer than the claim stall timeout (as the queue monitor last counted), while the worker
     * had a free slot there and claimed nothing for as long. Empty queues never stall it, nor
     * do full slots (a worker busy with long jobs is working).
     */
    String stalled() {
        Duration limit = config.claimStallTimeout();
        Map<String, dev.gantry.store.JobStore.QueueCounts> counts = new LinkedHashMap<>();
        for (var c : queueMonitor.last()) counts.put(c.queue(), c);
        for (var q : runtime.queues()) {
            var c = counts.get(q.name());
            if (q.paused() || c == null || c.available() == 0 || q.running() >= q.concurrency()) continue;
            if (c.oldestAvailableSeconds() * 1000 < limit.toMillis() || q.sinceLastClaim().compareTo(limit) < 0) continue;
            return "stalled: queue " + q.name() + " has had jobs available for " + Math.round(c.oldestAvailableSeconds())
                    + " s and this worker, with a free slot, claimed none for " + q.sinceLastClaim().toSeconds() + " s";
        }
        return null;
    }

    WorkerStats stats() {
        Map<String, Long> available = new LinkedHashMap<>();
        for (var q : runtime.queues()) available.put(q.name(), 0L);
        for (var c : queueMonitor.last()) available.put(c.queue(), c.available());
        return new WorkerStats(config.workerId(), runtime.runningJobs(), runtime.jobsProcessed(), runtime.jobsFailed(),
                logShipper.shipped(), logShipper.dropped(), logShipper.highWater(), available);
    }
}
