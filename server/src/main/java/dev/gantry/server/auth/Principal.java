package dev.gantry.server.auth;

/** The caller of a request: the token's id, name and role. */
public record Principal(long tokenId, String name, Role role) {
    public static final String ATTRIBUTE = "gantry.principal";
}
