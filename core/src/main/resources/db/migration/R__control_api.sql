-- The control plane's SQL API: send commands to workers from anything that speaks SQL.
-- Repeatable (CREATE OR REPLACE). Validation happens here, when a command is written, so a
-- worker never reads a command it cannot carry out.

-- Is this worker alive: heartbeat within its own dead timeout?
CREATE OR REPLACE FUNCTION ${schema}.worker_alive(w ${schema}.workers, now timestamptz DEFAULT NULL) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT w.last_heartbeat_at >= coalesce(now, now()) - make_interval(secs => w.dead_timeout_ms / 1000.0)
$$;

CREATE OR REPLACE FUNCTION ${schema}.check_command(w ${schema}.workers, command text, payload jsonb) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    k text;
    v jsonb;
    queues text[] := CASE WHEN w IS NULL THEN NULL
                          ELSE ARRAY(SELECT q->>'name' FROM jsonb_array_elements(w.queues) q) END;
BEGIN
    IF command IS NULL OR command NOT IN ('start', 'stop', 'restart', 'pause_queue', 'resume_queue', 'update_config', 'shutdown') THEN
        PERFORM ${schema}.invalid('command', 'must be one of start, stop, restart, pause_queue, resume_queue, '
            || 'update_config, shutdown; got ' || coalesce('"' || command || '"', 'null'));
    END IF;
    IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
        PERFORM ${schema}.invalid('payload', 'must be a JSON object');
    END IF;
    IF command IN ('start', 'stop', 'restart', 'shutdown') THEN
        IF payload <> '{}'::jsonb THEN
            PERFORM ${schema}.invalid('payload', command || ' takes no payload, got ' || payload::text);
        END IF;
    ELSIF command IN ('pause_queue', 'resume_queue') THEN
        IF (SELECT array_agg(key ORDER BY key) FROM jsonb_object_keys(payload) key) IS DISTINCT FROM ARRAY['queue'] THEN
            PERFORM ${schema}.invalid('payload', command || ' takes exactly {"queue": "<name>"}, got ' || payload::text);
        END IF;
        IF jsonb_typeof(payload->'queue') <> 'string' THEN
            PERFORM ${schema}.invalid('payload.queue', 'must be a string');
        END IF;
        IF queues IS NOT NULL AND NOT (payload->>'queue' = ANY (queues)) THEN
            PERFORM ${schema}.invalid('payload.queue', 'worker ' || w.id || ' has no queue "' || (payload->>'queue')
                || '" (it has ' || array_to_string(queues, ', ') || ')');
        END IF;
    ELSE  -- update_config
        IF payload = '{}'::jsonb THEN
            PERFORM ${schema}.invalid('payload', 'update_config needs at least one of concurrency, poll_interval_ms, log_level');
        END IF;
        FOR k, v IN SELECT * FROM jsonb_each(payload) LOOP
            IF k = 'poll_interval_ms' THEN
                IF jsonb_typeof(v) <> 'number' OR (v::text)::numeric <> trunc((v::text)::numeric)
                   OR (v::text)::numeric < 10 OR (v::text)::numeric > 3600000 THEN
                    PERFORM ${schema}.invalid('payload.poll_interval_ms', 'must be a whole number from 10 to 3600000, got ' || v::text);
                END IF;
            ELSIF k = 'log_level' THEN
                IF jsonb_typeof(v) <> 'string' OR upper(v #>> '{}') NOT IN ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR') THEN
                    PERFORM ${schema}.invalid('payload.log_level', 'must be one of TRACE, DEBUG, INFO, WARN, ERROR, got ' || v::text);
                END IF;
            ELSIF k = 'concurrency' THEN
                IF jsonb_typeof(v) <> 'object' OR v = '{}'::jsonb THEN
                    PERFORM ${schema}.invalid('payload.concurrency', 'must be an object of queue name to concurrency, got ' || v::text);
                END IF;
                IF EXISTS (SELECT 1 FROM jsonb_each(v) c
                            WHERE jsonb_typeof(c.value) <> 'number'
                               OR (c.value::text)::numeric <> trunc((c.value::text)::numeric)
                               OR (c.value::text)::numeric < 1 OR (c.value::text)::numeric > 10000) THEN
                    PERFORM ${schema}.invalid('payload.concurrency', 'each concurrency must be a whole number from 1 to 10000, got ' || v::text);
                END IF;
                IF queues IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_object_keys(v) q WHERE NOT (q = ANY (queues))) THEN
                    PERFORM ${schema}.invalid('payload.concurrency', 'worker ' || w.id || ' has no queue '
                        || (SELECT string_agg('"' || q || '"', ', ') FROM jsonb_object_keys(v) q WHERE NOT (q = ANY (queues)))
                        || ' (it has ' || array_to_string(queues, ', ') || ')');
                END IF;
            ELSE
                PERFORM ${schema}.invalid('payload.' || k, 'unknown setting; update_config takes concurrency, poll_interval_ms, log_level');
            END IF;
        END LOOP;
    END IF;
END
$$;

-- Sends a command to one worker (its id) or to every live worker ("*"). Returns the command's
-- id (for "*", the id shared as broadcast_id). A bad command or payload, or an unknown worker,
-- raises and writes nothing. A command to a dead worker is recorded as expired, with the reason.
CREATE OR REPLACE FUNCTION ${schema}.send_command(target text, command text, payload jsonb DEFAULT '{}'::jsonb)
    RETURNS bigint
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    w ${schema}.workers;
    v_id bigint;
    v_first bigint;
BEGIN
    IF send_command.target IS NULL OR send_command.target = '' THEN
        PERFORM ${schema}.invalid('target', 'must be a worker id or "*"');
    END IF;
    IF send_command.target = '*' THEN
        PERFORM ${schema}.check_command(NULL, send_command.command, send_command.payload);
        FOR w IN SELECT * FROM ${schema}.workers x WHERE ${schema}.worker_alive(x) ORDER BY x.id LOOP
            IF send_command.command IN ('pause_queue', 'resume_queue')
               AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(w.queues) q WHERE q->>'name' = send_command.payload->>'queue') THEN
                CONTINUE;   -- a broadcast pause reaches the workers that have the queue
            END IF;
            INSERT INTO ${schema}.worker_commands (worker_id, broadcast_id, command, payload)
            VALUES (w.id, v_first, send_command.command, send_command.payload)
            RETURNING id INTO v_id;
            IF v_first IS NULL THEN
                v_first := v_id;
                UPDATE ${schema}.worker_commands SET broadcast_id = v_id WHERE id = v_id;
            END IF;
            PERFORM pg_notify('${schema}.worker_command', json_build_object('worker_id', w.id)::text);
        END LOOP;
        IF v_first IS NULL THEN
            PERFORM ${schema}.invalid('target', 'no live worker to send "' || send_command.command || '" to');
        END IF;
        RETURN v_first;
    END IF;

    SELECT * INTO w FROM ${schema}.workers x WHERE x.id = send_command.target;
    IF NOT FOUND THEN
        PERFORM ${schema}.invalid('target', 'unknown worker "' || left(send_command.target, 200) || '"');
    END IF;
    PERFORM ${schema}.check_command(w, send_command.command, send_command.payload);
    IF NOT ${schema}.worker_alive(w) THEN
        INSERT INTO ${schema}.worker_commands (worker_id, command, payload, status, error, processed_at)
        VALUES (w.id, send_command.command, send_command.payload, 'expired',
                'worker ' || w.id || ' is dead: no heartbeat since ' || w.last_heartbeat_at, now())
        RETURNING id INTO v_id;
        RETURN v_id;
    END IF;
    INSERT INTO ${schema}.worker_commands (worker_id, command, payload)
    VALUES (w.id, send_command.command, send_command.payload)
    RETURNING id INTO v_id;
    PERFORM pg_notify('${schema}.worker_command', json_build_object('worker_id', w.id)::text);
    RETURN v_id;
END
$$;

-- Expires pending commands whose worker died or disappeared before acknowledging them.
CREATE OR REPLACE FUNCTION ${schema}.expire_commands(now timestamptz DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    n integer;
BEGIN
    UPDATE ${schema}.worker_commands c
       SET status = 'expired', processed_at = coalesce(expire_commands.now, now()),
           error = CASE WHEN w.id IS NULL THEN 'worker ' || c.worker_id || ' is gone'
                        ELSE 'worker ' || c.worker_id || ' died before acknowledging: no heartbeat since '
                             || w.last_heartbeat_at END
      FROM ${schema}.worker_commands p
      LEFT JOIN ${schema}.workers w ON w.id = p.worker_id
     WHERE c.id = p.id AND p.status = 'pending'
       AND (w.id IS NULL OR NOT ${schema}.worker_alive(w, expire_commands.now));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Queues (V005). A pause holds for every worker, present and future, until resumed: claims check
-- gantry.queues (JobSql.CLAIM and gantry.claim), and workers also keep the set in memory so a
-- paused queue costs them no claim at all. The NOTIFY makes them re-read it at once; they re-read
-- it on every heartbeat too, for PgBouncer setups without LISTEN.

CREATE OR REPLACE FUNCTION ${schema}.check_queue_change(queue text, by text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ${schema}.check_name('queue', queue);
    IF by = '' OR char_length(by) > 200 THEN
        PERFORM ${schema}.invalid('by', 'must be 1 to 200 characters or null, got ' || char_length(by) || ' characters');
    END IF;
END
$$;

-- Pauses a queue for every worker (a name no job or worker uses yet is allowed: pause ahead of a
-- deploy). Returns true when it paused the queue now, false when it already was paused, in which
-- case paused_at and paused_by keep saying since when and by whom.
CREATE OR REPLACE FUNCTION ${schema}.pause_queue(queue text, by text DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    changed boolean;
BEGIN
    PERFORM ${schema}.check_queue_change(pause_queue.queue, pause_queue.by);
    INSERT INTO ${schema}.queues AS q (name, paused_at, paused_by, updated_at)
    VALUES (pause_queue.queue, now(), pause_queue.by, now())
    ON CONFLICT (name) DO UPDATE
       SET paused_at = EXCLUDED.paused_at, paused_by = EXCLUDED.paused_by, updated_at = EXCLUDED.updated_at
     WHERE q.paused_at IS NULL;
    changed := FOUND;
    PERFORM pg_notify('${schema}.queue_changed', json_build_object('queue', pause_queue.queue, 'paused', true)::text);
    RETURN changed;
END
$$;

-- Resumes a paused queue; returns false when it was not paused. A worker's own pause (the
-- pause_queue command) is separate and stays.
CREATE OR REPLACE FUNCTION ${schema}.resume_queue(queue text) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    changed boolean;
BEGIN
    PERFORM ${schema}.check_queue_change(resume_queue.queue, NULL);
    UPDATE ${schema}.queues
       SET paused_at = NULL, paused_by = NULL, updated_at = now()
     WHERE name = resume_queue.queue AND paused_at IS NOT NULL;
    changed := FOUND;
    PERFORM pg_notify('${schema}.queue_changed', json_build_object('queue', resume_queue.queue, 'paused', false)::text);
    RETURN changed;
END
$$;
