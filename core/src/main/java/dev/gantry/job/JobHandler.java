package dev.gantry.job;

/**
 * Works one kind of job. Runs on a virtual thread; may block. Return a value to store it as the
 * job's JSON result (or null), throw {@link PermanentJobFailure} to fail without retries, throw
 * anything else to fail and retry after a backoff. Honour interruption: timeouts and shutdown
 * interrupt the thread.
 *
 * <pre>{@code
 * gantry.register("email.send", EmailArgs.class, (args, ctx) -> {
 *     mailer.send(args.to(), args.subject());
 *     return null;
 * });
 * }</pre>
 *
 * @param <A> the type the job's JSON args are decoded into
 */
@FunctionalInterface
public interface JobHandler<A> {
    Object handle(A args, JobContext context) throws Exception;
}
