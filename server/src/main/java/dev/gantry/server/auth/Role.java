package dev.gantry.server.auth;

import io.javalin.security.RouteRole;

/**
 * Who may call an endpoint (DESIGN.md section 7). Each role includes the ones before it:
 * a viewer reads, an operator also acts on jobs, queues and workers, an admin also manages
 * tokens. {@link #OPEN} marks the only endpoints that need no token.
 */
public enum Role implements RouteRole {
    OPEN, VIEWER, OPERATOR, ADMIN;

    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /** A token role by its stored name; null for anything else. */
    public static Role ofToken(String name) {
        return switch (name == null ? "" : name) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            case "admin" -> ADMIN;
            default -> null;
        };
    }
}
