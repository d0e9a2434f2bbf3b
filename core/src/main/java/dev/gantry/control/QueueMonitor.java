package dev.gantry.control;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.store.JobStore;

/**
 * Every interval (default 30 s), one structured log line per queue: available, running,
 * scheduled, retryable now; completed and discarded in the last interval; oldest available age,
 * success rate and throughput. The last counts are kept for gauges (queue depth).
 */
public final class QueueMonitor {
    private static final Logger log = LoggerFactory.getLogger(QueueMonitor.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final JobStore store;
    private final Duration interval;
    private volatile List<JobStore.QueueCounts> last = List.of();

    public QueueMonitor(JobStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
    }

    public Duration interval() {
        return interval;
    }

    public List<JobStore.QueueCounts> runOnce() {
        List<JobStore.QueueCounts> counts = store.queueCounts(interval);
        for (JobStore.QueueCounts c : counts) {
            long finished = c.completed() + c.discarded();
            log.atInfo().setMessage("queue stats").addKeyValue("queue", c.queue())
                    .addKeyValue("available", c.available()).addKeyValue("running", c.running())
                    .addKeyValue("scheduled", c.scheduled()).addKeyValue("retryable", c.retryable())
                    .addKeyValue("completed", c.completed()).addKeyValue("discarded", c.discarded())
                    .addKeyValue("oldest_available_s", Math.round(c.oldestAvailableSeconds()))
                    .addKeyValue("success_rate", finished == 0 ? null : Math.round(1000.0 * c.completed() / finished) / 1000.0)
                    .addKeyValue("throughput_per_s", Math.round(100.0 * finished / interval.toSeconds()) / 100.0)
                    .addKeyValue("interval_s", interval.toSeconds()).log();
        }
        last = counts;
        return counts;
    }

    /** The counts of the last run. */
    public List<JobStore.QueueCounts> last() {
        return last;
    }
}
