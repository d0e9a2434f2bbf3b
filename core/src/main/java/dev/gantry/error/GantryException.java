package dev.gantry.error;

/** Root of every exception Gantry throws; unchecked so callers choose where to handle. */
public class GantryException extends RuntimeException {
    public GantryException(String message) {
        super(message);
    }

    public GantryException(String message, Throwable cause) {
        super(message, cause);
    }
}
