package dev.gantry.client;

import java.time.Instant;

/** A row of {@code gantry.api_tokens}, without its digest. */
public record ApiToken(long id, String name, String role, String prefix, Instant createdAt, String createdBy,
                       Instant lastUsedAt, Instant expiresAt, Instant revokedAt) {
    public boolean active(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
