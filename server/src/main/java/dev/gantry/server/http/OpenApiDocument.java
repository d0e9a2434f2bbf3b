package dev.gantry.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.javalin.config.RoutesConfig;

import dev.gantry.server.auth.Role;

/**
 * {@code GET /api/openapi.json}: the API's OpenAPI 3.1 document. It is written by hand
 * ({@code src/main/resources/openapi.json}) so it reads well; {@code OpenApiTest} keeps it in step
 * with the registered routes, their roles and the request and response records.
 */
public final class OpenApiDocument {
    static final String RESOURCE = "/openapi.json";
    static final String PATH = "/api/openapi.json";

    private final byte[] document;

    /** Reads the document once; a jar without it is a broken build, so this fails at start. */
    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public void routes(RoutesConfig r) {
        r.get(PATH, ctx -> {
            Requests.onlyParams(ctx);
            ctx.contentType("application/json").result(document);
        }, Role.VIEWER);
    }
}
