package dev.gantry.control;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gantry.config.ControlHooks;
import dev.gantry.config.WorkerConfig;
import dev.gantry.error.StoreException;
import dev.gantry.store.CommandStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.worker.WorkerRuntime;

/**
 * Keeps this worker's row in {@code gantry.workers} current: registers it at start, writes a
 * heartbeat with status, queues, counters and live configuration every interval, and does the
 * registry's upkeep (expire commands of dead workers, forget workers gone for long). The upkeep
 * is idempotent, so every worker may do it. Each beat first re-reads the queues paused for all
 * workers: without LISTEN (PgBouncer) that is how a pause or resume reaches the worker.
 */
public final class Heartbeater {
    private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);

    private final WorkerStore workers;
    private final CommandStore commands;
    private final WorkerRuntime runtime;
    private final WorkerConfig config;
    private final WorkerState state;
    private final ControlHooks hooks;
    private final ObjectMapper json;
    private final String version;
    private final LogStore logs;

    public Heartbeater(WorkerStore workers, CommandStore commands, LogStore logs, WorkerRuntime runtime,
                       WorkerState state, ControlHooks hooks, ObjectMapper json, String version) {
        this.logs = logs;
        this.workers = workers;
        this.commands = commands;
        this.runtime = runtime;
        this.config = runtime.config();
        this.state = state;
        this.hooks = hooks;
        this.json = json;
        this.version = version;
    }

    public void register() {
        workers.register(beat(), host(), ProcessHandle.current().pid(), version, config.heartbeatInterval(),
                config.deadTimeout());
    }

    /** One heartbeat plus upkeep. */
    public void runOnce() {
        try {
            runtime.refreshGlobalPauses();
        } catch (StoreException e) {
            // The heartbeat matters more (a silent worker's jobs get rescued): write it anyway.
            log.atWarn().setMessage("reading queue pauses failed").addKeyValue("error", e.getMessage()).log();
        }
        if (!workers.heartbeat(beat())) {
            log.atWarn().setMessage("worker row was missing, registering again").addKeyValue("worker_id", config.workerId()).log();
            register();
        }
        state.heartbeatWritten();
        int expired = commands.expire();
        if (expired > 0) log.atInfo().setMessage("expired commands of dead workers").addKeyValue("commands", expired).log();
        int pruned = workers.pruneGone(config.workerRetention());
        if (pruned > 0) log.atInfo().setMessage("forgot workers gone for long").addKeyValue("workers", pruned).log();
        int prunedLogs = logs.pruneOlderThan(config.logRetention());
        if (prunedLogs > 0) log.atInfo().setMessage("pruned old log lines").addKeyValue("lines", prunedLogs).log();
    }

    /** The last heartbeat, with the final status, at shutdown. */
    public void farewell() {
        try {
            workers.heartbeat(beat());
        } catch (RuntimeException e) {
            log.atWarn().setMessage("could not write the final heartbeat").addKeyValue("error", e.getMessage()).log();
        }
    }

    private WorkerStore.Beat beat() {
        ArrayNode queues = json.createArrayNode();
        for (WorkerRuntime.QueueState q : runtime.queues()) {
            queues.addObject().put("name", q.name()).put("concurrency", q.concurrency()).put("paused", q.paused())
                    .put("paused_locally", q.pausedLocally()).put("paused_globally", q.pausedGlobally())
                    .put("running", q.running());
        }
        ObjectNode cfg = json.createObjectNode();
        cfg.put("poll_interval_ms", runtime.pollInterval().toMillis());
        cfg.put("listen", config.listen());
        cfg.put("shutdown_timeout_ms", config.shutdownTimeout().toMillis());
        cfg.put("lease_ms", config.leaseDuration().toMillis());
        String level = hooks.logLevel().get();
        if (level != null) cfg.put("log_level", level);
        return new WorkerStore.Beat(config.workerId(), state.status(runtime).dbName(), queues.toString(),
                runtime.jobsProcessed(), runtime.jobsFailed(), runtime.runningJobs(), cfg.toString(), state.error());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown";
        }
    }

}
