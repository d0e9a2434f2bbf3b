package dev.gantry.server.http;

import java.util.Map;

/**
 * The headers every response carries, API, dashboard and /health alike. The policy allows only
 * this origin's own scripts, styles and connections: no inline script or style, no eval, no
 * plugins, and no framing (clickjacking); a token in an address never leaks as a referrer, and
 * no response is sniffed into another type.
 */
public final class SecurityHeaders {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    public static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    private SecurityHeaders() {
    }
}
