package dev.gantry.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Makes worker ids that are unique across hosts and restarts: host, pid and a random suffix. */
final class WorkerIds {
    private WorkerIds() {
    }

    static String generate() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "host";
        }
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        String id = host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        return id.length() > 200 ? id.substring(id.length() - 200) : id;
    }
}
