package dev.gantry.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gantry.config.WorkerConfig;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.job.PermanentJobFailure;
import dev.gantry.job.RetryPolicy;
import dev.gantry.store.OutcomeRow;
import dev.gantry.time.TimeSource;

/**
 * Runs claimed jobs, each on its own virtual thread, and turns what the handler did into an
 * outcome for the completer: completed with its result; retryable after the kind's backoff;
 * discarded when out of attempts or on {@link PermanentJobFailure}; cancelled when an operator
 * asked. A timeout interrupts the handler and counts as a failure. The error boundary of a job.
 */
final class JobExecutor {
    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
    private static final Logger jobLog = LoggerFactory.getLogger("gantry.job");
    private static final int MAX_TRACE_CHARS = 8_000;

    private final WorkerConfig config;
    private final HandlerRegistry handlers;
    private final ObjectMapper json;
    private final BatchCompleter completer;
    private final Map<Long, RunningJob> running;
    private final ScheduledExecutorService timeouts;
    private final TimeSource time;

    JobExecutor(WorkerConfig config, HandlerRegistry handlers, ObjectMapper json, BatchCompleter completer,
                Map<Long, RunningJob> running, ScheduledExecutorService timeouts, TimeSource time) {
        this.config = config;
        this.handlers = handlers;
        this.json = json;
        this.completer = completer;
        this.running = running;
        this.timeouts = timeouts;
        this.time = time;
    }

    /**
     * Takes a claimed job into this worker's running set before it starts: its lease is renewed
     * from here on, and a shutdown releases it.
     */
    RunningJob hold(Job job) {
        RunningJob rj = new RunningJob(job, config.workerId(), jobLog, time.monotonicNanos());
        running.put(job.id(), rj);
        return rj;
    }

    /** Runs a held job on its own virtual thread; {@code onDone} runs once its outcome is queued. */
    void start(RunningJob rj, Runnable onDone) {
        rj.started(time.monotonicNanos());
        Thread.ofVirtual().name("gantry-job-" + rj.jobId()).start(() -> {
            try {
                run(rj);
            } finally {
                onDone.run();
            }
        });
    }

    /**
     * Gives back a held job that never started (a paused queue, a stop): available again, the
     * attempt not counted. False if its outcome was already on its way.
     */
    boolean giveBack(RunningJob rj) {
        if (!rj.claimOutcome()) return false;
        rj.stop(RunningJob.Stop.RELEASED);
        completer.submit(rj, release(rj));
        return true;
    }

    private void run(RunningJob rj) {
        Job job = rj.job();
        rj.thread(Thread.currentThread());
        MDC.put("job_id", Long.toString(job.id()));
        MDC.put("job_kind", job.kind());
        MDC.put("queue", job.queue());
        MDC.put("attempt", Integer.toString(job.attempt()));
        MDC.put("worker_id", config.workerId());
        HandlerRegistry.Registered handler = handlers.get(job.kind());
        ScheduledFuture<?> timer = scheduleTimeout(rj, handler);
        OutcomeRow outcome;
        try {
            if (rj.isCancelled()) {
                // stopped while it waited to start (an operator's cancel, a lost lease): never run it
                throw new java.util.concurrent.CancellationException(rj.cancelReason());
            }
            if (handler == null) {
                throw new IllegalStateException("no handler for kind \"" + job.kind() + "\" in worker " + config.workerId());
            }
            Object args = json.readValue(job.args(), handler.argsType());
            Object result = handler.handler().handle(args, rj);
            outcome = completed(rj, result);
        } catch (PermanentJobFailure e) {
            outcome = failed(rj, e, false, handler);
        } catch (Throwable e) {
            outcome = failedOrStopped(rj, e, handler);
        } finally {
            if (timer != null) timer.cancel(false);
            rj.thread(null);
            Thread.interrupted();
            MDC.clear();
        }
        if (rj.claimOutcome()) {
            completer.submit(rj, outcome);
        }
    }

    private ScheduledFuture<?> scheduleTimeout(RunningJob rj, HandlerRegistry.Registered handler) {
        Duration timeout = rj.job().timeout();
        if (timeout == null && handler != null) timeout = handler.options().timeout();
        if (timeout == null) timeout = config.defaultTimeout();
        if (timeout == null) return null;
        return timeouts.schedule(() -> {
            if (rj.stop(RunningJob.Stop.TIMEOUT)) {
                log.atWarn().setMessage("job timed out, interrupting it").addKeyValue("job_id", rj.jobId()).log();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private OutcomeRow completed(RunningJob rj, Object result) {
        String resultJson = null;
        if (result != null) {
            try {
                resultJson = json.writeValueAsString(result);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return failed(rj, new IllegalStateException("result cannot be serialized to JSON: " + e.getMessage(), e),
                        true, null);
            }
        }
        return new OutcomeRow(rj.jobId(), rj.attempt(), JobState.COMPLETED.dbName(), 0, null, resultJson, false);
    }

    private OutcomeRow failedOrStopped(RunningJob rj, Throwable e, HandlerRegistry.Registered handler) {
        RunningJob.Stop stop = rj.stopReason();
        if (stop == RunningJob.Stop.CANCELLED_BY_OPERATOR) {
            return new OutcomeRow(rj.jobId(), rj.attempt(), JobState.CANCELLED.dbName(), 0,
                    errorJson(rj, new java.util.concurrent.CancellationException("cancelled by an operator")), null, false);
        }
        if (stop == RunningJob.Stop.TIMEOUT) {
            Duration t = rj.job().timeout() != null ? rj.job().timeout()
                    : handler != null && handler.options().timeout() != null ? handler.options().timeout()
                    : config.defaultTimeout();
            TimeoutException te = new TimeoutException("job timed out after " + t.toMillis() + " ms");
            te.initCause(e);
            return failed(rj, te, true, handler);
        }
        return failed(rj, e, true, handler);
    }

    private OutcomeRow failed(RunningJob rj, Throwable e, boolean retryable, HandlerRegistry.Registered handler) {
        Job job = rj.job();
        boolean discard = !retryable || job.attempt() >= job.maxAttempts();
        long delayMs = 0;
        if (!discard) {
            RetryPolicy policy = handler != null && handler.options().retryPolicy() != null
                    ? handler.options().retryPolicy() : config.retryPolicy();
            delayMs = policy.backoff(job.attempt(), ThreadLocalRandom.current()).toMillis();
        }
        String state = discard ? JobState.DISCARDED.dbName() : JobState.RETRYABLE.dbName();
        return new OutcomeRow(job.id(), job.attempt(), state, delayMs, errorJson(rj, e), null, false);
    }

    private String errorJson(RunningJob rj, Throwable e) {
        ObjectNode node = json.createObjectNode();
        node.put("attempt", rj.attempt());
        node.put("at", time.now().toString());
        node.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        node.put("class", e.getClass().getName());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        String t = trace.toString();
        node.put("trace", t.length() > MAX_TRACE_CHARS ? t.substring(0, MAX_TRACE_CHARS) + "\n\t..." : t);
        node.put("worker_id", rj.workerId());
        return node.toString();
    }

    /** The outcome that gives a job back without counting the attempt (graceful shutdown). */
    static OutcomeRow release(RunningJob rj) {
        return new OutcomeRow(rj.jobId(), rj.attempt(), JobState.AVAILABLE.dbName(), 0, null, null, true);
    }
}
