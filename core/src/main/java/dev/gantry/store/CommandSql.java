package dev.gantry.store;

/** Queries on {@code gantry.worker_commands}; only {@link CommandStore} uses them. */
final class CommandSql {
    private CommandSql() {
    }

    /** Sends a command through the SQL API, which validates it (gantry.send_command). */
    static final String SEND = "SELECT gantry.send_command(:target, :command, :payload::jsonb)";

    /** The pending commands of one worker, oldest first. */
    static final String SELECT_PENDING = """
            SELECT id, command, payload::text AS payload, created_at
              FROM gantry.worker_commands
             WHERE worker_id = :worker_id AND status = 'pending'
             ORDER BY id""";

    /** Acknowledges a command once; a command already expired stays expired. */
    static final String ACK = """
            UPDATE gantry.worker_commands
               SET status = :status, error = :error, processed_at = coalesce(:now::timestamptz, now())
             WHERE id = :id AND status = 'pending'
            RETURNING id""";

    /** Expires pending commands of dead or vanished workers (gantry.expire_commands). */
    static final String EXPIRE = "SELECT gantry.expire_commands(:now::timestamptz)";

    static final String SELECT_BY_ID = """
            SELECT id, worker_id, broadcast_id, command, payload::text AS payload, status, error, created_at, processed_at
              FROM gantry.worker_commands WHERE id = :id OR broadcast_id = :id ORDER BY id""";

    /** Commands newer than :after_id, plus these ones (still pending when last seen): what changed since. */
    static final String SELECT_CHANGED = """
            SELECT id, worker_id, broadcast_id, command, payload::text AS payload, status, error, created_at, processed_at
              FROM gantry.worker_commands
             WHERE id > :after_id OR id = ANY(:ids::bigint[])
             ORDER BY id
             LIMIT 1000""";
}
