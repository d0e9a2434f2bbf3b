package dev.gantry.stats;

import java.util.Map;

import dev.gantry.job.JobState;

/** How many jobs are in each of the eight states. */
public record StateCounts(long pending, long scheduled, long available, long running, long retryable,
                          long completed, long discarded, long cancelled) {
    public static final StateCounts ZERO = new StateCounts(0, 0, 0, 0, 0, 0, 0, 0);

    /** From a map of state to count; absent states count zero. */
    public static StateCounts of(Map<JobState, Long> counts) {
        return new StateCounts(get(counts, JobState.PENDING), get(counts, JobState.SCHEDULED),
                get(counts, JobState.AVAILABLE), get(counts, JobState.RUNNING), get(counts, JobState.RETRYABLE),
                get(counts, JobState.COMPLETED), get(counts, JobState.DISCARDED), get(counts, JobState.CANCELLED));
    }

    private static long get(Map<JobState, Long> counts, JobState state) {
        return counts.getOrDefault(state, 0L);
    }

    /** The count of one state. */
    public long of(JobState state) {
        return switch (state) {
            case PENDING -> pending;
            case SCHEDULED -> scheduled;
            case AVAILABLE -> available;
            case RUNNING -> running;
            case RETRYABLE -> retryable;
            case COMPLETED -> completed;
            case DISCARDED -> discarded;
            case CANCELLED -> cancelled;
        };
    }

    /** All jobs, whatever their state. */
    public long total() {
        return pending + scheduled + available + running + retryable + completed + discarded + cancelled;
    }

    public StateCounts plus(StateCounts o) {
        return new StateCounts(pending + o.pending, scheduled + o.scheduled, available + o.available,
                running + o.running, retryable + o.retryable, completed + o.completed, discarded + o.discarded,
                cancelled + o.cancelled);
    }
}
