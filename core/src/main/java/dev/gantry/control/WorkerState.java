package dev.gantry.control;

import java.util.concurrent.atomic.AtomicLong;

import dev.gantry.time.TimeSource;
import dev.gantry.worker.WorkerRuntime;

/**
 * The operator-visible state of this worker: stopped by command, stopping, or in error, plus
 * when the last heartbeat was written (health checks use it to detect a wedged worker).
 */
public final class WorkerState {
    private final TimeSource time;
    private volatile boolean stopped;
    private volatile boolean stopping;
    private volatile String error;
    private final AtomicLong lastHeartbeatNanos = new AtomicLong(Long.MIN_VALUE);

    public WorkerState(TimeSource time) {
        this.time = time;
    }

    void stopped(boolean value) {
        stopped = value;
    }

    public void stopping(boolean value) {
        stopping = value;
    }

    /** The worker stopped for good (process exiting): report "stopped". */
    public void stoppedForGood() {
        stopped = true;
    }

    void error(String value) {
        error = value;
    }

    String error() {
        return error;
    }

    WorkerStatus status(WorkerRuntime runtime) {
        if (stopping) return WorkerStatus.STOPPING;
        if (error != null) return WorkerStatus.ERROR;
        if (stopped) return WorkerStatus.STOPPED;
        boolean allPaused = runtime.queues().stream().allMatch(WorkerRuntime.QueueState::paused);
        return allPaused ? WorkerStatus.PAUSED : WorkerStatus.RUNNING;
    }

    void heartbeatWritten() {
        lastHeartbeatNanos.set(time.monotonicNanos());
    }

    /** Nanoseconds since the last heartbeat was written, or Long.MAX_VALUE if none was. */
    public long sinceLastHeartbeatNanos() {
        long last = lastHeartbeatNanos.get();
        return last == Long.MIN_VALUE ? Long.MAX_VALUE : time.monotonicNanos() - last;
    }
}
