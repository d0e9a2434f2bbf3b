package dev.gantry.error;

/** The operation does not apply to the job in its current state (for example retrying a completed job). */
public class InvalidStateException extends GantryException {
    public InvalidStateException(String message) {
        super(message);
    }
}
