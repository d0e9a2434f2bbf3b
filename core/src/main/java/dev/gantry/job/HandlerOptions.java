package dev.gantry.job;

import java.time.Duration;

/**
 * Per-kind settings given at registration. A null field falls back to the worker's default.
 *
 * @param retryPolicy backoff between attempts of this kind
 * @param timeout     how long one attempt may run unless the job sets its own timeout
 */
public record HandlerOptions(RetryPolicy retryPolicy, Duration timeout) {
    public static final HandlerOptions DEFAULTS = new HandlerOptions(null, null);

    public HandlerOptions {
        if (timeout != null && !timeout.isPositive()) throw new IllegalArgumentException("timeout must be > 0");
    }

    public HandlerOptions withRetryPolicy(RetryPolicy policy) {
        return new HandlerOptions(policy, timeout);
    }

    public HandlerOptions withTimeout(Duration t) {
        return new HandlerOptions(retryPolicy, t);
    }
}
