package dev.gantry.error;

/** A database operation failed; the message names the operation, the cause is the driver's exception. */
public class StoreException extends GantryException {
    public StoreException(String operation, Throwable cause) {
        super(operation + " failed: " + cause.getMessage(), cause);
    }
}
