package dev.gantry.store;

import java.util.HashMap;
import java.util.Map;

import dev.gantry.client.LogQuery;

/** Builds the log query from fixed fragments of {@link LogSql}; never from caller text. */
record LogListQuery(NamedSql sql, Map<String, Object> values) {

    /** The query's lines, in its order. */
    static LogListQuery of(LogQuery q, String schema) {
        return of(q, null, schema);
    }

    /** The query's lines up to {@code throughId} too (a follower's bounded read). */
    static LogListQuery of(LogQuery q, Long throughId, String schema) {
        StringBuilder sql = new StringBuilder(LogSql.QUERY_SELECT);
        Map<String, Object> values = new HashMap<>();
        if (q.workerId() != null) {
            sql.append(LogSql.QUERY_WORKER);
            values.put("worker_id", q.workerId());
        }
        if (q.jobId() != null) {
            sql.append(LogSql.QUERY_JOB);
            values.put("job_id", q.jobId());
        }
        if (q.minLevel() != null) {
            sql.append(LogSql.QUERY_LEVELS);
            values.put("levels", NamedSql.SqlArray.of("text", q.levels()));
        }
        if (q.text() != null) {
            sql.append(LogSql.QUERY_TEXT);
            values.put("text", q.text());
        }
        if (q.afterId() != null) {
            sql.append(LogSql.QUERY_AFTER);
            values.put("after_id", q.afterId());
        }
        if (q.beforeId() != null) {
            sql.append(LogSql.QUERY_BEFORE);
            values.put("before_id", q.beforeId());
        }
        if (throughId != null) {
            sql.append(LogSql.QUERY_THROUGH);
            values.put("through_id", throughId);
        }
        sql.append(q.oldestFirst() ? LogSql.QUERY_OLDEST_FIRST : LogSql.QUERY_NEWEST_FIRST);
        values.put("limit", q.limit());
        return new LogListQuery(NamedSql.parse(sql.toString(), schema), values);
    }
}
