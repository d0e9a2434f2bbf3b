package dev.gantry.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;

/**
 * API tokens for the REST API, its streams and the dashboard: made here, stored as SHA-256
 * digests ({@code gantry.api_tokens}), each with a role: viewer, operator or admin.
 * Thread-safe; get it from {@code Gantry.tokens()}.
 */
public interface TokenClient {
    /** The roles a token may have, lowest first. */
    List<String> ROLES = List.of("viewer", "operator", "admin");
    /** Name under which the bootstrap admin token is kept. */
    String BOOTSTRAP_NAME = "bootstrap-admin";
    /** The shortest secret accepted as a bootstrap admin token. */
    int MIN_SECRET_LENGTH = 24;

    /**
     * Makes a token and returns its secret, the only time it is shown. Bad input (a name held by
     * a live token, only digits, bad characters; an unknown role; an expiry in the past) throws
     * {@link InvalidInputException} and stores nothing.
     *
     * @param expiresAt null for never
     * @param createdBy who asked, shown to admins
     */
    IssuedToken create(String name, String role, Instant expiresAt, String createdBy);

    /** Revokes the live token with this id or name; empty when none was live. */
    Optional<ApiToken> revoke(String idOrName);

    /** Every token, revoked and expired ones too, without secrets. */
    List<ApiToken> list();

    Optional<ApiToken> get(long id);

    /**
     * The live (not revoked, not expired) token with this secret, looked up by digest on each call
     * so a revocation holds at once on every server; records when it was last used (at most once
     * a minute per token).
     */
    Optional<ApiToken> authenticate(String secret);

    /**
     * With {@code adminSecret} given, makes it the live bootstrap admin token (replacing a different
     * one of that name); without it, makes a new admin token only when no live admin token
     * exists. A secret shorter than {@link #MIN_SECRET_LENGTH} throws {@link InvalidInputException}.
     */
    TokenBootstrap bootstrap(String adminSecret);
}
