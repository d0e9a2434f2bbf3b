package dev.gantry.server.api;

import java.time.Instant;
import java.util.Map;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.gantry.client.IssuedToken;
import dev.gantry.client.TokenClient;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.Role;
import dev.gantry.server.http.ApiException;
import dev.gantry.server.http.Requests;

/** {@code /api/tokens}: admins create, list and revoke API tokens. The plain token is shown once, at creation. */
public final class TokensApi {
    private final TokenClient tokens;
    private final Requests requests;

    public TokensApi(TokenClient tokens, Requests requests) {
        this.tokens = tokens;
        this.requests = requests;
    }

    public record CreateTokenRequest(String name, String role, Instant expiresAt) {
    }

    public void routes(RoutesConfig r) {
        r.post("/api/tokens", this::create, Role.ADMIN);
        r.get("/api/tokens", ctx -> {
            Requests.onlyParams(ctx);
            ctx.json(Map.of("tokens", tokens.list()));
        }, Role.ADMIN);
        r.delete("/api/tokens/{id}", ctx -> {
            Requests.onlyParams(ctx);
            String id = ctx.pathParam("id");
            ctx.json(tokens.revoke(id).orElseThrow(() -> ApiException.notFound("live token " + Requests.clip(id))));
        }, Role.ADMIN);
        r.get("/api/me", ctx -> {
            Requests.onlyParams(ctx);
            var p = Authenticator.principal(ctx);
            ctx.json(Map.of("token_id", p.tokenId(), "name", p.name(), "role", p.role().dbName()));
        }, Role.VIEWER);
    }

    private void create(Context ctx) {
        Requests.onlyParams(ctx);
        CreateTokenRequest req = requests.body(ctx, CreateTokenRequest.class);
        IssuedToken issued = tokens.create(req.name(), req.role(), req.expiresAt(),
                "api:" + Authenticator.principal(ctx).name());
        var t = issued.token();
        ctx.status(201).json(new CreatedToken(issued.secret(), t.id(), t.name(), t.role(), t.prefix(), t.createdAt(), t.expiresAt()));
    }

    /** The answer to a create: the only time the plain token is shown. */
    public record CreatedToken(String token, long id, String name, String role, String prefix, Instant createdAt,
                               Instant expiresAt) {
    }
}
