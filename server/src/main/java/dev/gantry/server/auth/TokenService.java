package dev.gantry.server.auth;

import java.time.Instant;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;
import dev.gantry.store.ApiToken;
import dev.gantry.store.TokenStore;

/**
 * Issues and revokes API tokens for the API and the CLI alike, and applies the bootstrap admin
 * token. The plain token exists only in the value returned by {@link #create}; the database
 * keeps its digest.
 */
public final class TokenService {
    /** The name under which GANTRY_ADMIN_TOKEN (or the generated first token) is stored. */
    public static final String BOOTSTRAP_NAME = "bootstrap-admin";

    private final TokenStore store;

    public TokenService(TokenStore store) {
        this.store = store;
    }

    /** A stored token and, once, its plain value. */
    public record Issued(ApiToken token, String plain) {
    }

    public Issued create(String name, String role, Instant expiresAt, String createdBy) {
        if (name == null) throw new InvalidInputException("name", "is required");
        if (name.matches("\\d+")) throw new InvalidInputException("name", "must not be only digits (revoke takes an id or a name)");
        if (Role.ofToken(role) == null) {
            throw new InvalidInputException("role", "must be viewer, operator or admin, got "
                    + (role == null ? "nothing" : "\"" + role + "\""));
        }
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw new InvalidInputException("expires_at", "must be in the future");
        }
        String plain = TokenCodec.newToken();
        ApiToken t = store.create(name, role, TokenCodec.sha256(plain), TokenCodec.displayPrefix(plain), createdBy, expiresAt);
        return new Issued(t, plain);
    }

    public Optional<ApiToken> revoke(String idOrName) {
        return store.revoke(idOrName);
    }

    public java.util.List<ApiToken> list() {
        return store.list();
    }

    /** What bootstrapping did, for the start-up banner. */
    public sealed interface Bootstrap {
        /** GANTRY_ADMIN_TOKEN is the bootstrap admin token. */
        record FromEnvironment(boolean revoked) implements Bootstrap {
        }

        /** No admin token existed: this one was made and must be shown once. */
        record Generated(String plain) implements Bootstrap {
        }

        /** Admin tokens exist already; nothing was made. */
        record Existing(long admins) implements Bootstrap {
        }
    }

    /**
     * With {@code envToken} set, makes it the live bootstrap admin token (replacing a different
     * one of that name); without it, makes a new admin token only when no live admin token exists.
     */
    public Bootstrap bootstrap(String envToken) {
        if (envToken != null) {
            if (envToken.length() < TokenCodec.MIN_LENGTH || envToken.length() > 200 || envToken.isBlank()) {
                throw new dev.gantry.config.ConfigException("GANTRY_ADMIN_TOKEN",
                        "must be " + TokenCodec.MIN_LENGTH + " to 200 characters (try: gantry tokens create prints one)");
            }
            byte[] digest = TokenCodec.sha256(envToken);
            store.replaceByName(BOOTSTRAP_NAME, "admin", digest, TokenCodec.displayPrefix(envToken), "GANTRY_ADMIN_TOKEN");
            return new Bootstrap.FromEnvironment(store.findActive(digest).isEmpty());
        }
        long admins = store.countActiveAdmins();
        if (admins > 0) return new Bootstrap.Existing(admins);
        String plain = TokenCodec.newToken();
        store.replaceByName(BOOTSTRAP_NAME, "admin", TokenCodec.sha256(plain), TokenCodec.displayPrefix(plain), "first start");
        return new Bootstrap.Generated(plain);
    }
}
