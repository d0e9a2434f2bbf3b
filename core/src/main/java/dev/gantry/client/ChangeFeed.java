package dev.gantry.client;

/**
 * Live changes of jobs, workers and commands, from one database listener and one poller per
 * Gantry, started by the first subscription. Job changes arrive as the database announces them
 * ({@code <schema>.job_events}); workers and commands are read every second and compared, so a
 * subscriber sees each change once. After a lost connection, subscribers get
 * {@link ChangeListener#gap} and the feed reconnects by itself.
 *
 * <pre>{@code
 * try (Subscription s = gantry.changes().subscribe(new ChangeListener() {
 *     public void jobs(List<JobStateChange> changes) { changes.forEach(System.out::println); }
 * })) { ... }
 * }</pre>
 */
public interface ChangeFeed {
    /** Delivers every change from now on to the listener, until the subscription is closed. */
    Subscription subscribe(ChangeListener listener);
}
