package dev.gantry.client;

import java.util.List;
import java.util.Locale;

import dev.gantry.error.InvalidInputException;

/**
 * Which lines of {@code gantry.worker_logs} to read; every filter is optional.
 *
 * <ul>
 *   <li>{@code afterId}: lines with a larger id, <b>oldest first</b>: to follow a live log, pass
 *       the last id seen.</li>
 *   <li>{@code beforeId}: lines with a smaller id, <b>newest first</b>: to page back.</li>
 *   <li>neither: the latest lines, newest first.</li>
 * </ul>
 *
 * @param workerId the worker that wrote the lines
 * @param minLevel TRACE, DEBUG, INFO, WARN or ERROR (any case): this level and above
 * @param jobId    lines written while running this job
 * @param text     case-insensitive substring of the message
 * @param limit    1 to {@link #MAX_LIMIT}
 */
public record LogQuery(String workerId, String minLevel, Long jobId, String text, Long afterId, Long beforeId,
                       int limit) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 5000;
    /** The levels of gantry.worker_logs, lowest first (its CHECK constraint). */
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public LogQuery {
        if (workerId != null && workerId.isBlank()) throw new InvalidInputException("worker_id", "must not be blank");
        if (minLevel != null) {
            minLevel = minLevel.toUpperCase(Locale.ROOT);
            if (!LEVELS.contains(minLevel)) {
                throw new InvalidInputException("level", "must be one of " + String.join(", ", LEVELS)
                        + ", got \"" + minLevel + "\"");
            }
        }
        if (text != null && text.isEmpty()) text = null;
        if (afterId != null && beforeId != null) {
            throw new InvalidInputException("before_id", "cannot be combined with after_id");
        }
        if (afterId != null && afterId < 0) throw new InvalidInputException("after_id", "must be >= 0, got " + afterId);
        if (beforeId != null && beforeId < 1) throw new InvalidInputException("before_id", "must be >= 1, got " + beforeId);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    /** The latest {@link #DEFAULT_LIMIT} lines of every worker. */
    public static LogQuery latest() {
        return new LogQuery(null, null, null, null, null, null, DEFAULT_LIMIT);
    }

    public LogQuery withWorker(String v) {
        return new LogQuery(v, minLevel, jobId, text, afterId, beforeId, limit);
    }

    public LogQuery withMinLevel(String v) {
        return new LogQuery(workerId, v, jobId, text, afterId, beforeId, limit);
    }

    public LogQuery withJob(Long v) {
        return new LogQuery(workerId, minLevel, v, text, afterId, beforeId, limit);
    }

    public LogQuery withText(String v) {
        return new LogQuery(workerId, minLevel, jobId, v, afterId, beforeId, limit);
    }

    /** Lines after this id, oldest first (clears beforeId). */
    public LogQuery after(Long id) {
        return new LogQuery(workerId, minLevel, jobId, text, id, null, limit);
    }

    /** Lines before this id, newest first (clears afterId). */
    public LogQuery before(Long id) {
        return new LogQuery(workerId, minLevel, jobId, text, null, id, limit);
    }

    public LogQuery withLimit(int v) {
        return new LogQuery(workerId, minLevel, jobId, text, afterId, beforeId, v);
    }

    /** Whether the result comes oldest first (only when following with afterId). */
    public boolean oldestFirst() {
        return afterId != null;
    }

    /** The levels at or above {@link #minLevel}, or all of them. */
    public List<String> levels() {
        return minLevel == null ? LEVELS : LEVELS.subList(LEVELS.indexOf(minLevel), LEVELS.size());
    }
}
