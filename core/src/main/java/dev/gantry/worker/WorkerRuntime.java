package dev.gantry.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.lifecycle.Supervisor;
import dev.gantry.notify.Notifier;
import dev.gantry.notify.Payloads;
import dev.gantry.store.JobStore;
import dev.gantry.store.QueueStore;
import dev.gantry.time.TimeSource;

/**
 * One worker: a fetcher per queue, the executor, the batch completer and the lease renewer. It
 * adds them to the process's {@link Supervisor} as steps (see {@link #addSteps}), which start
 * in order and stop in reverse, so shutdown goes: stop fetching, wait up to the shutdown timeout
 * for running jobs and release the rest (fenced, without counting the attempt), stop the
 * renewer, flush the completer.
 *
 * <p>A queue is paused on this worker alone (the pause_queue command) or for every worker
 * (gantry.queues); it claims from a queue that is neither. The global pauses are read before
 * the fetchers start and again whenever the control plane calls {@link #refreshGlobalPauses()}.
 */
public final class WorkerRuntime {
    /** Connections the fetchers of a worker with this configuration may hold at once. */
    public static int claimConnections(WorkerConfig config) {
        return config.queues().size() * QueueFetcher.CLAIMERS;
    }

    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final WorkerConfig config;
    private final JobStore store;
    private final QueueStore queueStore;
    private final Notifier notifier;
    private final TimeSource time;
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final Map<String, QueueFetcher> fetchers = new LinkedHashMap<>();
    private final BatchCompleter completer;
    private final PeriodicLoop renewLoop;
    private final ScheduledExecutorService timeouts;
    private final Service drain = new Service() {
        @Override
        public void start() {
            // Before any fetcher runs: a worker started while a queue is paused claims nothing from it.
            refreshGlobalPauses();
        }

        @Override
        public void stop(Duration timeout) {
            drain();
        }
    };

    public WorkerRuntime(WorkerConfig config, JobStore store, QueueStore queueStore, HandlerRegistry handlers,
                         ObjectMapper json, Notifier notifier, GantryListener listener, TimeSource time,
                         Supervisor supervisor) {
        this.config = config;
        this.store = store;
        this.queueStore = queueStore;
        this.notifier = notifier;
        this.time = time;
        this.timeouts = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gantry-timeouts").factory());
        this.completer = new BatchCompleter(store, config.workerId(), config.completerFlushInterval(),
                config.completerBatchSize(), running, listener, time, supervisor.component("completer"),
                config.stallTimeout());
        JobExecutor executor = new JobExecutor(config, handlers, json, completer, running, timeouts, time);
        for (QueueConfig q : config.queues()) {
            fetchers.put(q.name(), new QueueFetcher(q.name(), config.workerId(), new Slots(q.concurrency()), store,
                    executor, config.leaseDuration(), config.pollInterval(), listener, time,
                    supervisor.component("fetcher-" + q.name())));
        }
        LeaseRenewer renewer = new LeaseRenewer(store, config.workerId(), config.leaseDuration(), running);
        this.renewLoop = new PeriodicLoop(supervisor.component("lease-renewer"),
                LeaseRenewer.interval(config.leaseDuration()), renewer::runOnce);
        notifier.subscribe(store.schema().jobAvailableChannel(), this::onAvailable);
    }

    /**
     * Adds the worker's steps in start order: the completer and the lease renewer first (running
     * jobs need them until the end), then the drain (on stop: waits for running jobs, releases the
     * rest), then a fetcher per queue.
     */
    public void addSteps(Supervisor supervisor) {
        supervisor.add("completer", completer);
        supervisor.add("lease-renewer", renewLoop);
        supervisor.add("drain", drain);
        for (QueueFetcher f : fetchers.values()) supervisor.add("fetcher-" + f.queue(), f);
    }

    public WorkerConfig config() {
        return config;
    }

    private void onAvailable(String payload) {
        if (payload == null) {
            fetchers.values().forEach(QueueFetcher::wake);
            return;
        }
        String queue = Payloads.field(payload, "queue");
        QueueFetcher f = queue == null ? null : fetchers.get(queue);
        if (f != null) f.wake();
    }

    /** Number of jobs this worker is running (claimed, outcome not yet written). */
    public int runningJobs() {
        return running.size();
    }

    private QueueFetcher fetcher(String queue) {
        QueueFetcher f = fetchers.get(queue);
        if (f == null) throw new IllegalArgumentException("worker " + config.workerId() + " has no queue \"" + queue + "\"");
        return f;
    }

    /** Changes a queue's concurrency while running; lowering it lets running jobs finish. */
    public void concurrency(String queue, int concurrency) {
        QueueFetcher f = fetcher(queue);
        f.slots().limit(new QueueConfig(queue, concurrency).concurrency());
        f.wake();
    }

    public void pollInterval(Duration interval) {
        fetchers.values().forEach(f -> f.pollInterval(interval));
    }

    /** Stops (true) or resumes (false) claiming on one queue. */
    public void pauseQueue(String queue, boolean paused) {
        fetcher(queue).paused(paused);
    }

    /**
     * Reads which queues are paused for every worker and applies it. The claim statement checks
     * the pause too, so a stale view never takes a job from a paused queue; it only delays
     * claiming after a resume, until the next refresh.
     */
    public void refreshGlobalPauses() {
        Set<String> paused = queueStore.paused();
        for (QueueFetcher f : fetchers.values()) {
            boolean now = paused.contains(f.queue());
            if (now == f.pausedGlobally()) continue;
            f.pausedGlobally(now);
            log.atInfo().setMessage(now ? "queue paused for all workers" : "queue resumed for all workers")
                    .addKeyValue("queue", f.queue()).addKeyValue("worker_id", config.workerId()).log();
        }
    }

    /** Stops (false) or resumes (true) claiming on every queue; running jobs go on; queue pauses are kept. */
    public void fetching(boolean on) {
        fetchers.values().forEach(f -> f.halted(!on));
    }

    /** Unpauses every queue on this worker (restart goes back to the startup state); global pauses stay. */
    public void resumeAllQueues() {
        fetchers.values().forEach(f -> f.paused(false));
    }

    /** Waits until no job runs, up to the timeout; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean idle = true;
        for (QueueFetcher f : fetchers.values()) idle &= f.slots().awaitIdle(deadline);
        return idle;
    }

    /**
     * One queue as the worker runs it now.
     *
     * @param pausedLocally  paused on this worker by the pause_queue command
     * @param pausedGlobally paused for every worker (gantry.queues), as this worker last read it
     * @param sinceLastClaim since this worker last claimed a job of the queue (or started fetching)
     */
    public record QueueState(String name, int concurrency, boolean pausedLocally, boolean pausedGlobally,
                             int running, Duration sinceLastClaim) {
        /** The worker claims nothing from the queue. */
        public boolean paused() {
            return pausedLocally || pausedGlobally;
        }
    }

    public List<QueueState> queues() {
        List<QueueState> out = new ArrayList<>();
        for (QueueFetcher f : fetchers.values()) {
            out.add(new QueueState(f.queue(), f.slots().limit(), f.paused(), f.pausedGlobally(), f.slots().used(),
                    f.sinceLastClaim()));
        }
        return out;
    }

    public Duration pollInterval() {
        return fetchers.values().iterator().next().pollInterval();
    }

    /** Outcomes written since start (releases excepted), and how many of them were failures. */
    public long jobsProcessed() {
        return completer.processed();
    }

    public long jobsFailed() {
        return completer.failed();
    }

    /** Waits for running jobs up to the shutdown timeout (the fetchers stopped already), then releases the rest. */
    private void drain() {
        // Real time: the shutdown timeout is an operator's wall-clock promise, and a manual clock
        // in tests must not be able to hold a shutdown forever.
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        boolean idle = true;
        try {
            for (QueueFetcher f : fetchers.values()) idle &= f.slots().awaitIdle(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) releaseUnfinished();
        timeouts.shutdownNow();
    }

    /** Gives back the jobs still running: available again, attempt not counted, handlers interrupted. */
    private void releaseUnfinished() {
        List<RunningJob> released = new ArrayList<>();
        for (RunningJob rj : running.values()) {
            if (rj.claimOutcome()) {
                rj.stop(RunningJob.Stop.RELEASED);
                completer.submit(rj, JobExecutor.release(rj));
                released.add(rj);
            }
        }
        if (!released.isEmpty()) {
            log.atWarn().setMessage("released unfinished jobs at shutdown")
                    .addKeyValue("jobs", released.size()).addKeyValue("worker_id", config.workerId()).log();
        }
    }
}
