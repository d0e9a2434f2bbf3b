package dev.gantry.client;

/** A token just created: the stored token, and its secret, which exists only here and is never stored. */
public record IssuedToken(ApiToken token, String secret) {
    @Override
    public String toString() {
        return "IssuedToken[token=" + token + ", secret=****]";
    }
}
