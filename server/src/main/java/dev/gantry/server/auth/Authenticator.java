package dev.gantry.server.auth;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.security.RouteRole;

import dev.gantry.client.TokenClient;
import dev.gantry.server.http.ApiException;

/**
 * Checks every matched request against its route's role: {@code Authorization: Bearer <token>},
 * looked up by digest on each request (so a revoked token stops working at once, on every
 * server). 401 without a live token, 403 when its role is too low. A route without roles is
 * refused: forgetting to declare one must not open an endpoint.
 */
public final class Authenticator {
    /** The query parameter that may carry the token on stream endpoints: EventSource cannot set headers. */
    public static final String QUERY_TOKEN = "access_token";

    private final TokenClient tokens;
    private final Set<String> queryTokenPaths;

    public Authenticator(TokenClient tokens, Set<String> queryTokenPaths) {
        this.tokens = tokens;
        this.queryTokenPaths = Set.copyOf(queryTokenPaths);
    }

    public void check(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.contains(Role.OPEN)) return;
        Role required = roles.stream().filter(Role.class::isInstance).map(Role.class::cast).min(Enum::compareTo)
                .orElseThrow(() -> new ApiException(403, "forbidden", "this endpoint declares no role", Map.of()));
        String authorization = ctx.header(Header.AUTHORIZATION);
        if (authorization == null && queryTokenPaths.contains(ctx.path()) && ctx.queryParam(QUERY_TOKEN) != null) {
            authorization = "Bearer " + ctx.queryParam(QUERY_TOKEN);
        }
        Principal p = authenticate(authorization)
                .orElseThrow(() -> {
                    ctx.header(Header.WWW_AUTHENTICATE, "Bearer realm=\"gantry\"");
                    return new ApiException(401, "unauthorized",
                            "send a live API token as Authorization: Bearer <token>", Map.of());
                });
        if (!p.role().includes(required)) {
            throw new ApiException(403, "forbidden", "token \"" + p.name() + "\" has role " + p.role().dbName()
                    + "; this needs " + required.dbName(), Map.of("role", p.role().dbName(), "required", required.dbName()));
        }
        ctx.attribute(Principal.ATTRIBUTE, p);
    }

    /** The caller a header names, when it carries a live token. */
    public Optional<Principal> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        return tokens.authenticate(authorization.substring(7).trim())
                .map(t -> new Principal(t.id(), t.name(), Role.ofToken(t.role())));
    }

    public static Principal principal(Context ctx) {
        return ctx.attribute(Principal.ATTRIBUTE);
    }
}
