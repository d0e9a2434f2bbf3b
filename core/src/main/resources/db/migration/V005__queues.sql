-- V005: queues as objects an operator can pause for every worker (docs/control-plane.md, Queues).
-- A queue exists implicitly while it has jobs or workers; its row here is written when an
-- operator first pauses it (gantry.pause_queue) and kept after a resume, which clears paused_at.

CREATE TABLE ${schema}.queues (
    name       text        PRIMARY KEY,
    -- set while the queue is paused for every worker, present and future: no claim takes a job
    -- from it (the claim statements check it), until gantry.resume_queue clears it.
    paused_at  timestamptz,
    -- who paused it, for the operator: an API token's name, "cli", "sql", ...; null if not given.
    paused_by  text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT queues_name_check CHECK (name ~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$'),
    CONSTRAINT queues_paused_by_check CHECK (paused_by IS NULL OR char_length(paused_by) BETWEEN 1 AND 200),
    CONSTRAINT queues_paused_check CHECK (paused_at IS NOT NULL OR paused_by IS NULL)
);

-- Listing queues (QueueSql.LIST): the queues of jobs that wait for a future run_at or for other
-- jobs, found by a loose index scan (one descent per queue) instead of reading every such job.
-- Available jobs are found the same way in jobs_queue_priority_run_at_id_idx_where_available,
-- running ones through the lease index. Only jobs entering these states pay for this index; the
-- hot path (available -> running -> completed) does not (docs/control-plane.md, Queues).
CREATE INDEX jobs_queue_idx_where_waiting
    ON ${schema}.jobs (queue) WHERE state IN ('pending', 'scheduled', 'retryable');
