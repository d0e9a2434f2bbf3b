package dev.gantry.error;

/** The job does not exist (never did, or was deleted or pruned). */
public class JobNotFoundException extends GantryException {
    private final long jobId;

    public JobNotFoundException(long jobId) {
        super("job " + jobId + " not found");
        this.jobId = jobId;
    }

    public long jobId() {
        return jobId;
    }
}
