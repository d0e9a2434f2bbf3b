package dev.gantry.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;

/** Records what Gantry's components report, so tests await events instead of sleeping. */
public final class RecordingListener implements GantryListener {
    public final List<Long> claimed = new CopyOnWriteArrayList<>();
    public final List<JobFinished> finished = new CopyOnWriteArrayList<>();
    public final List<OutcomeRejected> rejected = new CopyOnWriteArrayList<>();
    /** The names of components whose loop failed, once per failure. */
    public final List<String> componentFailures = new CopyOnWriteArrayList<>();
    private final java.util.Map<dev.gantry.job.JobState, Long> deleted = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void jobsDeleted(dev.gantry.job.JobState state, long count) {
        deleted.merge(state, count, Long::sum);
    }

    /** Jobs retention deleted, per state (states with none absent). */
    public java.util.Map<dev.gantry.job.JobState, Long> deleted() {
        return java.util.Map.copyOf(deleted);
    }

    @Override
    public void jobsClaimed(String queue, List<Long> jobIds) {
        claimed.addAll(jobIds);
    }

    @Override
    public void jobFinished(JobFinished event) {
        finished.add(event);
    }

    @Override
    public void componentFailed(String component, Throwable error) {
        componentFailures.add(component);
    }

    @Override
    public void outcomeRejected(OutcomeRejected event) {
        rejected.add(event);
    }

    public void awaitFinished(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> finished.size() >= count);
    }

    public JobFinished awaitFinished(long jobId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> finished.stream().anyMatch(f -> f.jobId() == jobId));
        return finished.stream().filter(f -> f.jobId() == jobId).reduce((a, b) -> b).orElseThrow();
    }

    public void awaitClaimed(long jobId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> claimed.contains(jobId));
    }
}
