package dev.gantry.notify;

/**
 * Reads one string field of a small NOTIFY payload such as {"queue" : "mail"}. Gantry's payloads
 * carry only names that cannot contain quotes (queues, worker ids are validated), so a scan
 * suffices and no JSON parser runs on the listener thread.
 */
public final class Payloads {
    private Payloads() {
    }

    public static String field(String payload, String name) {
        if (payload == null) return null;
        int key = payload.indexOf("\"" + name + "\"");
        if (key < 0) return null;
        int colon = payload.indexOf(':', key);
        int start = colon < 0 ? -1 : payload.indexOf('"', colon + 1);
        int end = start < 0 ? -1 : payload.indexOf('"', start + 1);
        return end < 0 ? null : payload.substring(start + 1, end);
    }
}
