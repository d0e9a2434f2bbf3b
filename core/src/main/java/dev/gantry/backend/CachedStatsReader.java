package dev.gantry.backend;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.error.StoreException;
import dev.gantry.stats.JobStats;
import dev.gantry.stats.StatsReader;
import dev.gantry.store.JobCounts;
import dev.gantry.store.RollupRead;
import dev.gantry.store.StatsStore;
import dev.gantry.time.TimeSource;

/**
 * {@link StatsReader} with cached counts. Windows, series and oldest ages are read on every call (small
 * index range scans of job_stats and the claim index). Counts per queue and state need a full scan
 * of the jobs table, so they are cached and recounted by {@link RefreshPolicy}; their time is
 * {@link JobStats#countsAsOf()}. A slow count is also kept in the database, and a new reader's
 * first caller is answered from it rather than waiting for a full scan. Thread-safe; one
 * instance serves every caller.
 */
public final class CachedStatsReader implements StatsReader {
    private static final Logger log = LoggerFactory.getLogger(CachedStatsReader.class);

    private final StatsStore store;
    private final TimeSource time;
    private final RefreshPolicy policy;
    private final Executor background;
    private final ReentrantLock counting = new ReentrantLock();
    private final AtomicBoolean backgroundQueued = new AtomicBoolean();
    private final AtomicBoolean keptRead = new AtomicBoolean();
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    /** The oldest kept count (V008) a process starts with; with an older one it waits for its own first count. */
    static final Duration KEPT_MAX_AGE = Duration.ofMinutes(10);

    /** The counts of one count, when it started (monotonic) and how long it took. */
    private record Cached(JobCounts counts, long startedNanos, Duration took) {
    }

    public CachedStatsReader(StatsStore store, TimeSource time) {
        this(store, time, RefreshPolicy.DEFAULT,
                task -> Thread.ofVirtual().name("gantry-stats-count").start(task));
    }

    /** @param background runs recounts that are too slow for the caller to wait for */
    public CachedStatsReader(StatsStore store, TimeSource time, RefreshPolicy policy, Executor background) {
        if (store == null || time == null || policy == null || background == null) {
            throw new NullPointerException("store, time, policy and background are required");
        }
        this.store = store;
        this.time = time;
        this.policy = policy;
        this.background = background;
    }

    /** Starts the first count in the background, so that the first snapshot need not wait for all of it. */
    public void warmUp() {
        if (cached.get() == null) countInBackground();
    }

    @Override
    public JobStats snapshot() {
        JobCounts counts = counts();
        RollupRead rollup = store.read(StatsAssembler.WINDOW_LENGTHS, SERIES_MINUTES);
        return StatsAssembler.assemble(counts, rollup, SERIES_MINUTES);
    }

    /** The cached counts, recounted first (or in the background) when {@link RefreshPolicy} says they are due. */
    JobCounts counts() {
        Cached c = cached.get();
        if (c == null) c = kept();
        if (c == null) return countOrAwait();
        Duration age = Duration.ofNanos(time.monotonicNanos() - c.startedNanos());
        if (!policy.due(age, c.took())) return c.counts();
        if (!policy.inline(c.took())) {
            countInBackground();
            return c.counts();
        }
        // Another caller counting right now will have fresh counts in a moment; this one takes the last ones.
        if (!counting.tryLock()) return c.counts();
        try {
            return cached.get() == c ? count() : cached.get().counts();
        } finally {
            counting.unlock();
        }
    }

    /**
     * For the first caller only: a count kept by this or another process (V008), with its own
     * time as counts_as_of; being old, it is due at once, so a fresh count follows in the
     * background. Null when there is none, when it is older than {@link #KEPT_MAX_AGE}, or when
     * it cannot be read: the caller then waits for a count.
     */
    private Cached kept() {
        if (!keptRead.compareAndSet(false, true)) return null;
        Optional<StatsStore.KeptCounts> kept;
        try {
            kept = store.keptCounts(time.now().minus(KEPT_MAX_AGE), time.now());
        } catch (StoreException e) {
            log.atWarn().setMessage("reading the kept job counts failed; counting instead").addKeyValue("error", e.getMessage()).log();
            return null;
        }
        if (kept.isEmpty()) return null;
        long ageNanos = Duration.between(kept.get().counts().asOf(), time.now()).toNanos();
        Cached c = new Cached(kept.get().counts(), time.monotonicNanos() - ageNanos, kept.get().took());
        return cached.compareAndSet(null, c) ? c : cached.get();
    }

    /** The first counts: waits for a count in progress (the warm-up) or counts itself. */
    private JobCounts countOrAwait() {
        counting.lock();
        try {
            Cached c = cached.get();
            return c != null ? c.counts() : count();
        } finally {
            counting.unlock();
        }
    }

    private void countInBackground() {
        if (!backgroundQueued.compareAndSet(false, true)) return;
        background.execute(() -> {
            counting.lock();
            try {
                Cached c = cached.get();
                if (c == null || policy.due(Duration.ofNanos(time.monotonicNanos() - c.startedNanos()), c.took())) count();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("counting jobs failed, serving the previous counts")
                        .addKeyValue("error", e.getMessage()).log();
            } finally {
                counting.unlock();
                backgroundQueued.set(false);
            }
        });
    }

    /** Counts now; the caller holds {@link #counting}. */
    private JobCounts count() {
        long start = time.monotonicNanos();
        JobCounts counts = store.countJobs();
        Duration took = Duration.ofNanos(time.monotonicNanos() - start);
        cached.set(new Cached(counts, start, took));
        // A count too slow to make while a caller waits is worth keeping for the next start.
        if (!policy.inline(took)) {
            try {
                store.keepCounts(counts, took);
            } catch (StoreException e) {
                log.atWarn().setMessage("keeping the job counts for the next start failed")
                        .addKeyValue("error", e.getMessage()).log();
            }
        }
        return counts;
    }
}
