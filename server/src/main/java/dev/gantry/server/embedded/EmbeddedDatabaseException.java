package dev.gantry.server.embedded;

import dev.gantry.error.GantryException;

/** The embedded PostgreSQL cannot start or run; the message is one line that says why and what to do. */
public class EmbeddedDatabaseException extends GantryException {
    public EmbeddedDatabaseException(String message) {
        super(message);
    }

    public EmbeddedDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
