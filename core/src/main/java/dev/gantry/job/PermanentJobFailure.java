package dev.gantry.job;

/** Thrown by a handler to fail the job without further retries: it goes straight to {@code discarded}. */
public class PermanentJobFailure extends RuntimeException {
    public PermanentJobFailure(String message) {
        super(message);
    }

    public PermanentJobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
