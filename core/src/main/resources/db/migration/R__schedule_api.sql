-- The schedules' SQL API (docs/schedules.md): create, change, pause, resume and delete
-- schedules from any language. Validation raises SQLSTATE 22023 before anything is written.
-- The scheduler (Java, in every worker) computes the ticks with cron-utils; these functions
-- check a spec's syntax and ranges the same way (ScheduleSqlParityTest holds them together), so
-- a spec accepted here is one the scheduler can run.

-- One cron field expanded to its values, or an error naming the field: lists of values, ranges
-- (a-b), steps (*/n, a-b/n, a/n) and names (JAN..DEC, SUN..SAT, any case).
CREATE OR REPLACE FUNCTION ${schema}.cron_field(field text, value text, lo integer, hi integer, names text[])
    RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    part text;
    base text;
    step integer;
    a integer;
    b integer;
    out integer[] := '{}';
BEGIN
    IF value IS NULL OR value = '' THEN
        PERFORM ${schema}.invalid('spec', field || ' is empty');
    END IF;
    FOREACH part IN ARRAY string_to_array(value, ',') LOOP
        IF part = '' THEN
            PERFORM ${schema}.invalid('spec', field || ' "' || value || '" has an empty list item');
        END IF;
        step := NULL;
        base := part;
        IF part LIKE '%/%' THEN
            IF part !~ '^[^/]+/[0-9]{1,4}$' THEN
                PERFORM ${schema}.invalid('spec', field || ' "' || part || '": a step is <values>/<number>');
            END IF;
            base := split_part(part, '/', 1);
            step := split_part(part, '/', 2)::integer;
            IF step < 1 OR step > hi THEN
                PERFORM ${schema}.invalid('spec', field || ' "' || part || '": the step must be from 1 to ' || hi);
            END IF;
        END IF;
        IF base = '*' THEN
            a := lo;
            b := hi;
        ELSIF base ~ '^[A-Za-z0-9]+-[A-Za-z0-9]+$' THEN
            a := ${schema}.cron_value(field, split_part(base, '-', 1), lo, hi, names);
            b := ${schema}.cron_value(field, split_part(base, '-', 2), lo, hi, names);
            -- Sunday is 0 and 7: a range ending on Sunday (MON-SUN) ends at 7, as in cron-utils
            IF field = 'day-of-week' AND b = 0 AND a > 0 THEN
                b := 7;
            END IF;
            IF a > b THEN
                PERFORM ${schema}.invalid('spec', field || ' "' || part || '": the range runs backwards');
            END IF;
        ELSE
            a := ${schema}.cron_value(field, base, lo, hi, names);
            b := CASE WHEN step IS NULL THEN a ELSE hi END;
        END IF;
        out := out || ARRAY(SELECT generate_series(a, b, coalesce(step, 1)));
    END LOOP;
    RETURN out;
END
$$;

-- One value of a cron field: a number in [lo, hi] or one of the field's names.
CREATE OR REPLACE FUNCTION ${schema}.cron_value(field text, value text, lo integer, hi integer, names text[])
    RETURNS integer
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n integer;
BEGIN
    IF value ~ '^[0-9]{1,4}$' THEN
        n := value::integer;
    ELSIF names IS NOT NULL AND upper(value) = ANY (names) THEN
        n := lo + array_position(names, upper(value)) - 1;
    ELSE
        PERFORM ${schema}.invalid('spec', field || ' "' || value || '" is not a number'
            || CASE WHEN names IS NULL THEN '' ELSE ' or one of ' || array_to_string(names, ', ') END);
    END IF;
    IF n < lo OR n > hi THEN
        PERFORM ${schema}.invalid('spec', field || ' ' || n || ' is out of range ' || lo || '-' || hi);
    END IF;
    RETURN n;
END
$$;

-- "every <n><unit>" as an interval, or null when the spec is not one.
CREATE OR REPLACE FUNCTION ${schema}.schedule_interval(spec text) RETURNS interval
    LANGUAGE sql IMMUTABLE AS $$
    SELECT make_interval(secs => (m[1]::bigint * CASE m[2] WHEN 's' THEN 1 WHEN 'm' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END))
      FROM regexp_match(spec, '^every ([1-9][0-9]{0,7})(s|m|h|d)$') m
$$;

-- A schedule's spec: "every <n><s|m|h|d>" (at most 366 days) or a cron expression of 5 fields
-- (minute hour day-of-month month day-of-week) or 6 (second first). A cron expression whose
-- day of month exists in none of its months (0 0 30 2 *) never runs and is refused.
CREATE OR REPLACE FUNCTION ${schema}.check_schedule_spec(spec text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    f text[];
    every interval;
    dom integer[];
    months integer[];
BEGIN
    IF spec IS NULL OR btrim(spec) = '' THEN
        PERFORM ${schema}.invalid('spec', 'must not be empty: a cron expression such as "0 2 * * 0" or "every 5m"');
    END IF;
    IF spec LIKE 'every%' THEN
        every := ${schema}.schedule_interval(spec);
        IF every IS NULL THEN
            PERFORM ${schema}.invalid('spec', '"' || left(spec, 100) || '" is not an interval: write every <n><unit>, '
                || 'unit s, m, h or d, such as "every 30s" or "every 5m"');
        END IF;
        IF every > interval '366 days' THEN
            PERFORM ${schema}.invalid('spec', '"' || spec || '" is longer than 366 days');
        END IF;
        RETURN;
    END IF;
    IF char_length(spec) > 200 THEN
        PERFORM ${schema}.invalid('spec', 'is over 200 characters');
    END IF;
    f := regexp_split_to_array(btrim(spec), '\s+');
    IF cardinality(f) NOT IN (5, 6) THEN
        PERFORM ${schema}.invalid('spec', '"' || spec || '" has ' || cardinality(f) || ' fields: a cron expression has 5 '
            || '(minute hour day-of-month month day-of-week) or 6 (second first), an interval is every <n><s|m|h|d>');
    END IF;
    IF cardinality(f) = 6 THEN
        PERFORM ${schema}.cron_field('second', f[1], 0, 59, NULL);
        f := f[2:6];
    END IF;
    PERFORM ${schema}.cron_field('minute', f[1], 0, 59, NULL);
    PERFORM ${schema}.cron_field('hour', f[2], 0, 23, NULL);
    dom := ${schema}.cron_field('day-of-month', f[3], 1, 31, NULL);
    months := ${schema}.cron_field('month', f[4], 1, 12,
        ARRAY['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']);
    PERFORM ${schema}.cron_field('day-of-week', f[5], 0, 7, ARRAY['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);
    IF f[5] = '*' AND NOT EXISTS (
            SELECT 1 FROM unnest(dom) d, unnest(months) m
             WHERE d <= CASE WHEN m = 2 THEN 29 WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END) THEN
        PERFORM ${schema}.invalid('spec', '"' || spec || '" never runs: no month it names has that day');
    END IF;
END
$$;

-- A time zone the scheduler can read: an IANA name (Europe/Paris, America/New_York, UTC,
-- Etc/GMT+5), not an abbreviation or a POSIX rule. Checked by setting it, which costs a
-- moment (reading pg_timezone_names takes tens of milliseconds).
CREATE OR REPLACE FUNCTION ${schema}.check_time_zone(field text, tz text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    previous text := current_setting('TimeZone');
BEGIN
    IF tz IS NULL OR tz !~ '^[A-Za-z][A-Za-z_]*(/[A-Za-z0-9_+-]+){0,2}$'
       OR tz ~ '^(posix|right)/' OR tz IN ('EST', 'HST', 'MST', 'ROC', 'Factory', 'localtime', 'posixrules') THEN
        PERFORM ${schema}.invalid(field, 'must be an IANA time zone such as UTC, Europe/Paris or America/New_York, got '
            || coalesce('"' || left(tz, 100) || '"', 'null'));
    END IF;
    BEGIN
        PERFORM set_config('TimeZone', tz, true);
    EXCEPTION WHEN invalid_parameter_value THEN
        PERFORM ${schema}.invalid(field, 'unknown time zone "' || tz || '"');
    END;
    PERFORM set_config('TimeZone', previous, true);
END
$$;

CREATE OR REPLACE FUNCTION ${schema}.check_schedule_name(name text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF name IS NULL OR name = '' THEN
        PERFORM ${schema}.invalid('name', 'must not be empty');
    ELSIF name !~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,118}$' THEN
        PERFORM ${schema}.invalid('name', 'must be at most 119 letters, digits or _ . : - (not starting with . : -), got "'
            || left(name, 200) || '"');
    END IF;
END
$$;

-- Creates or replaces a schedule; true when it was created. A change of spec or time zone
-- takes effect from the next tick: the first one after the change. paused null keeps the
-- current state (a new schedule runs). now is for tests with a pinned clock.
CREATE OR REPLACE FUNCTION ${schema}.set_schedule(
    name text,
    spec text,
    kind text,
    args jsonb DEFAULT '{}',
    queue text DEFAULT 'default',
    timezone text DEFAULT 'UTC',
    priority integer DEFAULT 0,
    max_attempts integer DEFAULT NULL,
    tags text[] DEFAULT NULL,
    catch_up integer DEFAULT 0,
    paused boolean DEFAULT NULL,
    timeout_seconds integer DEFAULT NULL,
    now timestamptz DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_now timestamptz := coalesce(set_schedule.now, now());
    v_spec text := btrim(set_schedule.spec);
    v_created boolean;
BEGIN
    PERFORM ${schema}.check_schedule_name(set_schedule.name);
    PERFORM ${schema}.check_schedule_spec(v_spec);
    PERFORM ${schema}.check_time_zone('timezone', set_schedule.timezone);
    PERFORM ${schema}.check_job_input(set_schedule.kind, set_schedule.args, set_schedule.queue, set_schedule.priority,
        set_schedule.max_attempts, NULL, set_schedule.tags, set_schedule.timeout_seconds);
    IF cardinality(set_schedule.tags) > 49 THEN
        PERFORM ${schema}.invalid('tags', 'at most 49 tags (each job also gets schedule:<name>), got ' || cardinality(set_schedule.tags));
    END IF;
    IF set_schedule.catch_up IS NULL OR set_schedule.catch_up < 0 OR set_schedule.catch_up > 1000 THEN
        PERFORM ${schema}.invalid('catch_up', 'must be from 0 (skip missed runs) to 1000, got '
            || coalesce(set_schedule.catch_up::text, 'null'));
    END IF;
    INSERT INTO ${schema}.schedules AS s (name, spec, timezone, kind, args, queue, priority, max_attempts,
                                          timeout_seconds, tags, catch_up, paused, spec_set_at, created_at, updated_at)
    VALUES (set_schedule.name, v_spec, set_schedule.timezone, set_schedule.kind, set_schedule.args, set_schedule.queue,
            set_schedule.priority, set_schedule.max_attempts, set_schedule.timeout_seconds,
            coalesce(set_schedule.tags, '{}'), set_schedule.catch_up, coalesce(set_schedule.paused, false),
            v_now, v_now, v_now)
    ON CONFLICT (name) DO UPDATE
       SET spec = EXCLUDED.spec, timezone = EXCLUDED.timezone, kind = EXCLUDED.kind, args = EXCLUDED.args,
           queue = EXCLUDED.queue, priority = EXCLUDED.priority, max_attempts = EXCLUDED.max_attempts,
           timeout_seconds = EXCLUDED.timeout_seconds, tags = EXCLUDED.tags, catch_up = EXCLUDED.catch_up,
           paused = coalesce(set_schedule.paused, s.paused),
           -- a new spec or zone, or a resume: the next tick is computed again, from now
           next_run_at = CASE WHEN s.spec = EXCLUDED.spec AND s.timezone = EXCLUDED.timezone
                                   AND NOT (s.paused AND NOT coalesce(set_schedule.paused, s.paused))
                              THEN s.next_run_at END,
           spec_set_at = CASE WHEN s.spec = EXCLUDED.spec AND s.timezone = EXCLUDED.timezone
                                   AND NOT (s.paused AND NOT coalesce(set_schedule.paused, s.paused))
                              THEN s.spec_set_at ELSE v_now END,
           updated_at = v_now
    RETURNING (xmax = 0) INTO v_created;
    RETURN v_created;
END
$$;

-- The issue's interface (docs/schedules.md): set_schedule with the common arguments.
CREATE OR REPLACE FUNCTION ${schema}.upsert_schedule(
    name text,
    spec text,
    kind text,
    args jsonb DEFAULT '{}',
    queue text DEFAULT 'default',
    timezone text DEFAULT 'UTC') RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ${schema}.set_schedule(name, spec, kind, args, queue, timezone);
END
$$;

-- Pauses a schedule: no tick is enqueued until it is resumed. False when it already was paused.
CREATE OR REPLACE FUNCTION ${schema}.pause_schedule(name text, now timestamptz DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_was boolean;
BEGIN
    PERFORM ${schema}.check_schedule_name(pause_schedule.name);
    SELECT s.paused INTO v_was FROM ${schema}.schedules s WHERE s.name = pause_schedule.name FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ${schema}.invalid('name', 'no schedule named "' || pause_schedule.name || '"');
    END IF;
    UPDATE ${schema}.schedules s SET paused = true, updated_at = coalesce(pause_schedule.now, now())
     WHERE s.name = pause_schedule.name AND NOT s.paused;
    RETURN NOT v_was;
END
$$;

-- Resumes a schedule; its next tick is the first after now (ticks while paused are not run).
-- False when it was not paused.
CREATE OR REPLACE FUNCTION ${schema}.resume_schedule(name text, now timestamptz DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_was boolean;
BEGIN
    PERFORM ${schema}.check_schedule_name(resume_schedule.name);
    SELECT s.paused INTO v_was FROM ${schema}.schedules s WHERE s.name = resume_schedule.name FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ${schema}.invalid('name', 'no schedule named "' || resume_schedule.name || '"');
    END IF;
    UPDATE ${schema}.schedules s
       SET paused = false, next_run_at = NULL, spec_set_at = coalesce(resume_schedule.now, now()),
           updated_at = coalesce(resume_schedule.now, now())
     WHERE s.name = resume_schedule.name AND s.paused;
    RETURN v_was;
END
$$;

-- Deletes a schedule (its jobs stay); false when there was none.
CREATE OR REPLACE FUNCTION ${schema}.delete_schedule(name text) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM ${schema}.check_schedule_name(delete_schedule.name);
    DELETE FROM ${schema}.schedules s WHERE s.name = delete_schedule.name;
    RETURN FOUND;
END
$$;
