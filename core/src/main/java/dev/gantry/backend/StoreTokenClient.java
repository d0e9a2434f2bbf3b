package dev.gantry.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.gantry.client.ApiToken;
import dev.gantry.client.IssuedToken;
import dev.gantry.client.TokenBootstrap;
import dev.gantry.client.TokenClient;
import dev.gantry.error.InvalidInputException;
import dev.gantry.store.TokenStore;
import dev.gantry.time.TimeSource;

/**
 * {@link TokenClient} on the token store. The secret exists only in the value {@link #create}
 * returns; the store sees digests. Thread-safe.
 */
public final class StoreTokenClient implements TokenClient {
    /** Recording every use would write on every request; once a minute tells admins enough. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final int MAX_SECRET_LENGTH = 200;

    private final TokenStore store;
    private final TimeSource time;
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();

    public StoreTokenClient(TokenStore store, TimeSource time) {
        this.store = store;
        this.time = time;
    }

    @Override
    public IssuedToken create(String name, String role, Instant expiresAt, String createdBy) {
        if (name == null) throw new InvalidInputException("name", "is required");
        if (name.matches("\\d+")) throw new InvalidInputException("name", "must not be only digits (revoke takes an id or a name)");
        if (role == null || !ROLES.contains(role)) {
            throw new InvalidInputException("role", "must be viewer, operator or admin, got "
                    + (role == null ? "nothing" : "\"" + role + "\""));
        }
        if (expiresAt != null && !expiresAt.isAfter(time.now())) {
            throw new InvalidInputException("expires_at", "must be in the future");
        }
        String secret = TokenCodec.newToken();
        ApiToken t = store.create(name, role, TokenCodec.sha256(secret), TokenCodec.displayPrefix(secret), createdBy, expiresAt);
        return new IssuedToken(t, secret);
    }

    @Override
    public Optional<ApiToken> revoke(String idOrName) {
        return store.revoke(idOrName);
    }

    @Override
    public List<ApiToken> list() {
        return store.list();
    }

    @Override
    public Optional<ApiToken> get(long id) {
        return store.get(id);
    }

    @Override
    public Optional<ApiToken> authenticate(String secret) {
        if (secret == null || secret.isBlank() || secret.length() > MAX_SECRET_LENGTH) return Optional.empty();
        Optional<ApiToken> found = store.findActive(TokenCodec.sha256(secret));
        found.ifPresent(this::touch);
        return found;
    }

    private void touch(ApiToken t) {
        Instant now = time.now();
        Instant last = lastTouched.get(t.id());
        if (last != null && last.plus(TOUCH_EVERY).isAfter(now)) return;
        lastTouched.put(t.id(), now);
        store.touch(t.id());
    }

    @Override
    public TokenBootstrap bootstrap(String adminSecret) {
        if (adminSecret != null) {
            if (adminSecret.isBlank() || adminSecret.length() < MIN_SECRET_LENGTH || adminSecret.length() > MAX_SECRET_LENGTH) {
                throw new InvalidInputException("admin_token", "must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH
                        + " characters (try: gantry tokens create prints one)");
            }
            byte[] digest = TokenCodec.sha256(adminSecret);
            store.replaceByName(BOOTSTRAP_NAME, "admin", digest, TokenCodec.displayPrefix(adminSecret), "GANTRY_ADMIN_TOKEN");
            return new TokenBootstrap.Given(store.findActive(digest).isEmpty());
        }
        long admins = store.countActiveAdmins();
        if (admins > 0) return new TokenBootstrap.Existing(admins);
        String secret = TokenCodec.newToken();
        store.replaceByName(BOOTSTRAP_NAME, "admin", TokenCodec.sha256(secret), TokenCodec.displayPrefix(secret), "first start");
        return new TokenBootstrap.Generated(secret);
    }
}
