-- V006: one statement trigger on insert instead of two (docs/adr/0014). jobs_notify_available
-- (V001) and jobs_events_insert (V004) each cost a trigger call and a pass over the statement's
-- new rows, about 30 microseconds apiece on a one-row enqueue; both now run in
-- jobs_events_insert, with a single pass for the one-pass case. The two channels and their
-- payloads and their order are unchanged (triggers fire in name order, so events came first):
-- <schema>.job_events gets the events (docs/events.md), then <schema>.job_available gets
-- {"queue" : q} once per queue with available jobs in the statement.

CREATE OR REPLACE FUNCTION ${schema}.jobs_events_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_events text;
    v_queues text[];
    v_payload text;
    q text;
BEGIN
    SELECT string_agg('[' || n.id || ',"' || n.queue || '","' || n.kind || '",null,"' || n.state || '",' || n.attempt || ']', ','),
           array_agg(DISTINCT n.queue) FILTER (WHERE n.state = 'available')
      INTO v_events, v_queues
      FROM inserted_jobs n;
    IF v_events IS NULL THEN
        RETURN NULL;
    END IF;
    v_payload := '{"events":[' || v_events || ']}';
    IF octet_length(v_payload) < 7400 THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
    ELSE
        FOR v_payload IN
            SELECT '{"events":[' || string_agg(e.event, ',' ORDER BY e.id) || ']}'
              FROM (SELECT v.id, v.event, sum(octet_length(v.event) + 1) OVER (ORDER BY v.id ROWS UNBOUNDED PRECEDING) / 7000 AS chunk
                      FROM (SELECT n.id, '[' || n.id || ',"' || n.queue || '","' || n.kind || '",null,"' || n.state || '",'
                                         || n.attempt || ']' AS event
                              FROM inserted_jobs n) v) e
             GROUP BY e.chunk
        LOOP
            PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
        END LOOP;
    END IF;
    IF v_queues IS NOT NULL THEN
        FOREACH q IN ARRAY v_queues LOOP
            PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_available', json_build_object('queue', q)::text);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER jobs_notify_available ON ${schema}.jobs;
DROP FUNCTION ${schema}.jobs_notify_available();
