package dev.gantry.server.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The secret values of this process (database password, tokens). Every log line, on the
 * console and shipped to the database, has them replaced by ****, whoever logged them.
 */
public final class SecretMask {
    public static final SecretMask INSTANCE = new SecretMask();
    private static final int MIN_LENGTH = 4;   // masking "a" would mangle every line

    private final List<String> secrets = new CopyOnWriteArrayList<>();

    public void add(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH && !secrets.contains(secret)) secrets.add(secret);
    }

    public String mask(String text) {
        if (text == null || secrets.isEmpty()) return text;
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) out = out.replace(s, "****");
        }
        return out;
    }
}
