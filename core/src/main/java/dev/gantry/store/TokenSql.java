package dev.gantry.store;

/** Queries on {@code gantry.api_tokens}; only {@link TokenStore} uses them. */
final class TokenSql {
    private TokenSql() {
    }

    static final String COLUMNS = "id, name, role, prefix, created_at, created_by, last_used_at, expires_at, revoked_at";

    static final String INSERT = """
            INSERT INTO gantry.api_tokens (name, role, token_sha256, prefix, created_at, created_by, expires_at)
            VALUES (:name, :role, :sha256, :prefix, coalesce(:now::timestamptz, now()), :created_by, :expires_at::timestamptz)
            RETURNING""" + " " + COLUMNS;

    /** The live token with this digest: not revoked and not expired. */
    static final String SELECT_ACTIVE_BY_SHA256 = "SELECT " + COLUMNS + """
             FROM gantry.api_tokens
            WHERE token_sha256 = :sha256 AND revoked_at IS NULL
              AND (expires_at IS NULL OR expires_at > coalesce(:now::timestamptz, now()))""";

    static final String SELECT_ALL = "SELECT " + COLUMNS + " FROM gantry.api_tokens ORDER BY id";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM gantry.api_tokens WHERE id = :id";

    /** Revokes a live token by id or by name; revoking twice changes nothing. */
    static final String REVOKE = """
            UPDATE gantry.api_tokens SET revoked_at = coalesce(:now::timestamptz, now())
             WHERE revoked_at IS NULL AND (id = :id OR name = :name)
            RETURNING""" + " " + COLUMNS;

    /**
     * First half of the GANTRY_ADMIN_TOKEN bootstrap: revokes the live token of this name unless it
     * already carries this digest and role. A statement of its own, because an INSERT in the same
     * statement still finds the old row in the live-name unique index and would do nothing.
     */
    static final String REVOKE_OTHER_BY_NAME = """
            UPDATE gantry.api_tokens SET revoked_at = coalesce(:now::timestamptz, now())
             WHERE name = :name AND revoked_at IS NULL AND (token_sha256 <> :sha256 OR role <> :role)""";

    /** Second half: stores the token under this name unless that live token exists already. */
    static final String INSERT_BY_NAME_IF_ABSENT = """
            INSERT INTO gantry.api_tokens (name, role, token_sha256, prefix, created_at, created_by)
            SELECT :name, :role, :sha256, :prefix, coalesce(:now::timestamptz, now()), :created_by
             WHERE NOT EXISTS (SELECT 1 FROM gantry.api_tokens
                                WHERE token_sha256 = :sha256 AND role = :role AND name = :name AND revoked_at IS NULL)
            ON CONFLICT DO NOTHING
            RETURNING id""";

    static final String COUNT_ACTIVE_ADMINS = """
            SELECT count(*) FROM gantry.api_tokens
             WHERE role = 'admin' AND revoked_at IS NULL
               AND (expires_at IS NULL OR expires_at > coalesce(:now::timestamptz, now()))""";

    static final String TOUCH = "UPDATE gantry.api_tokens SET last_used_at = coalesce(:now::timestamptz, now()) WHERE id = :id";
}
