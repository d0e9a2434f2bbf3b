package dev.gantry.store;

import java.util.HashMap;
import java.util.Map;

import dev.gantry.job.JobFilter;
import dev.gantry.job.JobState;

/** Builds the jobs-explorer query from fixed fragments of {@link JobSql}; never from caller text. */
record JobListQuery(NamedSql sql, Map<String, Object> values) {

    /** @param scanFloor the lowest id a search page looks at, or null for no bound */
    static JobListQuery of(JobFilter f, String schema, Long scanFloor) {
        StringBuilder sql = new StringBuilder(JobSql.LIST_SELECT);
        Map<String, Object> values = new HashMap<>();
        appendFilter(f, sql, values);
        if (f.cursor() != null) {
            sql.append(JobSql.LIST_CURSOR);
            values.put("cursor", f.cursor());
        }
        if (scanFloor != null) {
            sql.append(JobSql.LIST_SCAN_FLOOR);
            values.put("scan_floor", scanFloor);
        }
        sql.append(JobSql.LIST_ORDER);
        values.put("limit", f.limit() + 1);
        return new JobListQuery(NamedSql.parse(sql.toString(), schema), values);
    }

    /** Retries ({@code retry} true) or cancels at most {@code max} of the jobs the filter matches; ignores its cursor. */
    static JobListQuery bulk(JobFilter f, boolean retry, int max, String schema) {
        StringBuilder sql = new StringBuilder(JobSql.BULK_TARGET);
        Map<String, Object> values = new HashMap<>();
        appendFilter(f, sql, values);
        sql.append(retry ? JobSql.BULK_RETRY_STATES : JobSql.BULK_CANCEL_STATES);
        sql.append(JobSql.BULK_LIMIT);
        sql.append(retry ? JobSql.BULK_RETRY : JobSql.BULK_CANCEL);
        values.put("max", max);
        return new JobListQuery(NamedSql.parse(sql.toString(), schema), values);
    }

    private static void appendFilter(JobFilter f, StringBuilder sql, Map<String, Object> values) {
        if (!f.states().isEmpty()) {
            sql.append(JobSql.LIST_STATES);
            values.put("states", NamedSql.SqlArray.of("text", f.states().stream().map(JobState::dbName).toList()));
        }
        if (f.queue() != null) {
            sql.append(JobSql.LIST_QUEUE);
            values.put("queue", f.queue());
        }
        if (f.kind() != null) {
            sql.append(JobSql.LIST_KIND);
            values.put("kind", f.kind());
        }
        if (f.tag() != null) {
            sql.append(JobSql.LIST_TAG);
            values.put("tag", f.tag());
        }
        if (f.text() != null && !f.text().isEmpty()) {
            sql.append(JobSql.LIST_TEXT);
            values.put("text", f.text());
        }
        if (f.createdAfter() != null) {
            sql.append(JobSql.LIST_CREATED_AFTER);
            values.put("created_after", f.createdAfter());
        }
        if (f.createdBefore() != null) {
            sql.append(JobSql.LIST_CREATED_BEFORE);
            values.put("created_before", f.createdBefore());
        }
    }
}
