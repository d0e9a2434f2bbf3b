package dev.gantry.backend;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.gantry.stats.QueueStats;
import dev.gantry.stats.MinutePoint;
import dev.gantry.stats.WindowStats;
import dev.gantry.stats.StateCounts;
import dev.gantry.stats.JobStats;
import dev.gantry.job.JobState;
import dev.gantry.store.JobCounts;
import dev.gantry.store.MinuteRow;
import dev.gantry.store.RollupRead;
import dev.gantry.store.RollupSums;
import dev.gantry.store.WindowRow;

/** Turns the store's rows into a {@link JobStats}: rates, percentiles, zero-filled queues and minutes. */
final class StatsAssembler {
    static final List<String> WINDOW_NAMES = List.of("1m", "5m", "1h", "24h");
    static final List<Duration> WINDOW_LENGTHS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofHours(1), Duration.ofHours(24));
    private static final RollupSums NOTHING = new RollupSums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            new long[LatencyHistogram.BUCKETS], new long[LatencyHistogram.BUCKETS]);

    private StatsAssembler() {
    }

    static JobStats assemble(JobCounts counts, RollupRead rollup, int minutes) {
        Map<String, StateCounts> countsByQueue = countsByQueue(counts);
        Map<String, Map<Long, RollupSums>> windows = new HashMap<>();
        Map<Long, RollupSums> overallWindows = new HashMap<>();
        for (WindowRow w : rollup.windows()) {
            windows.computeIfAbsent(w.queue(), q -> new HashMap<>()).put(w.windowSeconds(), w.sums());
            overallWindows.merge(w.windowSeconds(), w.sums(), StatsAssembler::plus);
        }
        Map<String, Map<Instant, RollupSums>> series = new HashMap<>();
        Map<Instant, RollupSums> overallSeries = new HashMap<>();
        for (MinuteRow m : rollup.minutes()) {
            series.computeIfAbsent(m.queue(), q -> new HashMap<>()).put(m.minute(), m.sums());
            overallSeries.merge(m.minute(), m.sums(), StatsAssembler::plus);
        }
        TreeSet<String> queues = new TreeSet<>(countsByQueue.keySet());
        queues.addAll(rollup.oldestAvailableSeconds().keySet());
        queues.addAll(windows.keySet());
        queues.addAll(series.keySet());

        List<QueueStats> perQueue = new ArrayList<>();
        StateCounts totals = StateCounts.ZERO;
        for (String q : queues) {
            StateCounts c = countsByQueue.getOrDefault(q, StateCounts.ZERO);
            totals = totals.plus(c);
            perQueue.add(new QueueStats(q, c, rollup.oldestAvailableSeconds().get(q),
                    windowStats(windows.getOrDefault(q, Map.of()), rollup),
                    minutePoints(series.getOrDefault(q, Map.of()), rollup.now(), minutes)));
        }
        Double oldest = rollup.oldestAvailableSeconds().values().stream().max(Double::compare).orElse(null);
        return new JobStats(rollup.now(), counts.asOf(), totals, oldest, windowStats(overallWindows, rollup),
                minutePoints(overallSeries, rollup.now(), minutes), perQueue);
    }

    private static Map<String, StateCounts> countsByQueue(JobCounts counts) {
        Map<String, Map<JobState, Long>> byQueue = new TreeMap<>();
        for (JobCounts.Row r : counts.rows()) {
            byQueue.computeIfAbsent(r.queue(), q -> new EnumMap<>(JobState.class)).merge(r.state(), r.jobs(), Long::sum);
        }
        Map<String, StateCounts> out = new HashMap<>();
        byQueue.forEach((q, m) -> out.put(q, StateCounts.of(m)));
        return out;
    }

    /** One {@link WindowStats} per window; no sums for a window means nothing happened in it. */
    private static List<WindowStats> windowStats(Map<Long, RollupSums> sums, RollupRead rollup) {
        List<WindowStats> out = new ArrayList<>(WINDOW_LENGTHS.size());
        for (int i = 0; i < WINDOW_LENGTHS.size(); i++) {
            long seconds = WINDOW_LENGTHS.get(i).toSeconds();
            Instant from = rollup.windowStarts().getOrDefault(seconds, rollup.now().minusSeconds(seconds));
            out.add(windowStats(WINDOW_NAMES.get(i), seconds, from, rollup.now(), sums.getOrDefault(seconds, NOTHING)));
        }
        return out;
    }

    static WindowStats windowStats(String name, long seconds, Instant from, Instant now, RollupSums s) {
        double span = Math.max(1, Duration.between(from, now).toMillis() / 1000.0);
        long finished = s.completed() + s.discarded();
        return new WindowStats(name, seconds, from, s.claimed(), s.completed(), s.failed(), s.discarded(), s.cancelled(),
                finished / span, finished == 0 ? null : (double) s.completed() / finished,
                mean(s.waitMsSum(), s.claimed()),
                LatencyHistogram.quantile(s.waitHistogram(), s.waitMsMax(), 0.95),
                LatencyHistogram.quantile(s.waitHistogram(), s.waitMsMax(), 0.99),
                mean(s.runMsSum(), s.runCount()),
                LatencyHistogram.quantile(s.runHistogram(), s.runMsMax(), 0.95),
                LatencyHistogram.quantile(s.runHistogram(), s.runMsMax(), 0.99));
    }

    /** The last {@code minutes} minutes up to the current one, oldest first; minutes without rows are zero. */
    private static List<MinutePoint> minutePoints(Map<Instant, RollupSums> rows, Instant now, int minutes) {
        Instant current = now.truncatedTo(ChronoUnit.MINUTES);
        List<MinutePoint> out = new ArrayList<>(minutes);
        for (int i = minutes - 1; i >= 0; i--) {
            Instant minute = current.minus(i, ChronoUnit.MINUTES);
            RollupSums s = rows.getOrDefault(minute, NOTHING);
            out.add(new MinutePoint(minute, s.claimed(), s.completed(), s.failed(), s.discarded(), s.cancelled(),
                    mean(s.waitMsSum(), s.claimed()), LatencyHistogram.quantile(s.waitHistogram(), s.waitMsMax(), 0.95),
                    mean(s.runMsSum(), s.runCount())));
        }
        return out;
    }

    static RollupSums plus(RollupSums a, RollupSums b) {
        long[] wait = new long[LatencyHistogram.BUCKETS];
        long[] run = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            wait[i] = a.waitHistogram()[i] + b.waitHistogram()[i];
            run[i] = a.runHistogram()[i] + b.runHistogram()[i];
        }
        return new RollupSums(a.claimed() + b.claimed(), a.completed() + b.completed(), a.failed() + b.failed(),
                a.discarded() + b.discarded(), a.cancelled() + b.cancelled(), a.waitMsSum() + b.waitMsSum(),
                Math.max(a.waitMsMax(), b.waitMsMax()), a.runCount() + b.runCount(), a.runMsSum() + b.runMsSum(),
                Math.max(a.runMsMax(), b.runMsMax()), wait, run);
    }

    private static Double mean(double sum, long count) {
        return count == 0 ? null : sum / count;
    }
}
