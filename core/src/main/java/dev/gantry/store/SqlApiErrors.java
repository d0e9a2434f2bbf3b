package dev.gantry.store;

import java.sql.SQLException;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.gantry.error.InvalidInputException;

/**
 * Turns the SQL API's validation errors (SQLSTATE 22023, message "field: reason") back into the
 * {@link InvalidInputException} the Java API throws, so both paths report bad input alike.
 */
final class SqlApiErrors {
    static final String INVALID_PARAMETER = "22023";
    /** gantry.cancel_job and gantry.retry_job: no such job. */
    static final String NOT_FOUND = "P0002";
    /** gantry.cancel_job and gantry.retry_job: the job's state does not allow the transition. */
    static final String WRONG_STATE = "55000";

    private SqlApiErrors() {
    }

    /** The InvalidInputException this error stands for, or the error itself when it is not validation. */
    static RuntimeException translate(SQLException e, String operation) {
        if (!INVALID_PARAMETER.equals(e.getSQLState())) return new dev.gantry.error.StoreException(operation, e);
        String msg = serverMessage(e);
        int colon = msg.indexOf(": ");
        return colon > 0 ? new InvalidInputException(msg.substring(0, colon), msg.substring(colon + 2))
                : new InvalidInputException("input", msg);
    }

    /** The message as the server raised it, without the driver's decoration. */
    static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage server = p.getServerErrorMessage();
            if (server != null && server.getMessage() != null) return server.getMessage();
        }
        return e.getMessage();
    }
}
