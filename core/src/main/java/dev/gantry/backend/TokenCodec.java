package dev.gantry.backend;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Makes API tokens ({@code gty_} + 256 random bits) and the digest under which they are stored. */
final class TokenCodec {
    static final String PREFIX = "gty_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenCodec() {
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The part shown in token lists: enough to tell tokens apart, far too little to use. */
    static String displayPrefix(String token) {
        return token.substring(0, Math.min(token.length(), PREFIX.length() + 4));
    }
}
