package dev.gantry.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.job.AttemptError;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;

/** Maps result rows to records. Column names are those of {@link JobSql#COLUMNS}. */
final class Rows {
    /** The store's one mapper for the JSON columns it reads and writes. */
    static final ObjectMapper JSON = new ObjectMapper();

    private Rows() {
    }

    static Job job(ResultSet rs) throws SQLException {
        Integer timeoutMs = (Integer) rs.getObject("timeout_ms");
        return new Job(
                rs.getLong("id"),
                rs.getString("queue"),
                rs.getString("kind"),
                rs.getString("args"),
                JobState.fromDb(rs.getString("state")),
                rs.getInt("priority"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                instant(rs, "run_at"),
                instant(rs, "created_at"),
                instant(rs, "attempted_at"),
                instant(rs, "finished_at"),
                rs.getString("worker_id"),
                instant(rs, "lease_expires_at"),
                timeoutMs == null ? null : Duration.ofMillis(timeoutMs),
                errors(rs.getString("errors")),
                rs.getString("result"),
                rs.getString("unique_key"),
                tags(rs.getArray("tags")),
                rs.getObject("cancel_requested_at") != null,
                rs.getString("limit_key"),
                instant(rs, "limited_at"));
    }

    /** A row an insert returned ({@link JobSql#INSERTED_COLUMNS}). */
    record InsertedRow(long id, String args, JobState state, Instant runAt, Instant createdAt, String uniqueKey) {
        /** The new job: what the database decided, and the rest as requested (a new job has no attempt yet). */
        Job job(NewJob j) {
            return new Job(id, j.queue(), j.kind(), args, state, j.priority(), 0, j.maxAttempts(), runAt, createdAt,
                    null, null, null, null, j.timeoutMs() == null ? null : Duration.ofMillis(j.timeoutMs()),
                    List.of(), null, uniqueKey, j.tags(), false, j.limitKey(), null);
        }
    }

    static List<InsertedRow> insertedRows(ResultSet rs) throws SQLException {
        List<InsertedRow> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(new InsertedRow(rs.getLong("id"), rs.getString("args"), JobState.fromDb(rs.getString("state")),
                    instant(rs, "run_at"), instant(rs, "created_at"), rs.getString("unique_key")));
        }
        return rows;
    }

    static List<Job> jobs(ResultSet rs) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        while (rs.next()) jobs.add(job(rs));
        return jobs;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        // OffsetDateTime is pgjdbc's direct path; getTimestamp goes through a Calendar per value.
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static List<String> tags(Array array) throws SQLException {
        if (array == null) return List.of();
        Object[] values = (Object[]) array.getArray();
        List<String> tags = new ArrayList<>(values.length);
        for (Object v : values) tags.add((String) v);
        return tags;
    }

    static List<AttemptError> errors(String json) {
        if (json == null || json.equals("[]")) return List.of();
        try {
            List<AttemptError> errors = new ArrayList<>();
            for (JsonNode e : JSON.readTree(json)) {
                errors.add(new AttemptError(
                        e.path("attempt").asInt(),
                        e.hasNonNull("at") ? parseInstant(e.get("at").asText()) : null,
                        e.path("error").asText(null),
                        e.path("class").asText(null),
                        e.path("trace").asText(null),
                        e.path("worker_id").asText(null)));
            }
            return errors;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("malformed errors column: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant parseInstant(String text) {
        return java.time.OffsetDateTime.parse(text).toInstant();
    }
}
