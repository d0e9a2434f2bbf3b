package dev.gantry.client;

/** One job of a batch enqueue. */
public record JobRequest(String kind, Object args, EnqueueOptions options) {
    public JobRequest {
        if (options == null) options = EnqueueOptions.defaults();
    }

    public static JobRequest of(String kind, Object args) {
        return new JobRequest(kind, args, EnqueueOptions.defaults());
    }
}
