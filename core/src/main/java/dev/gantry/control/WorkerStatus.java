package dev.gantry.control;

import java.util.Locale;

/** What a worker says it is doing; "dead" is never stored, it is derived from the heartbeat age. */
public enum WorkerStatus {
    RUNNING, PAUSED, STOPPING, STOPPED, ERROR;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
