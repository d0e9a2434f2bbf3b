package dev.gantry.error;

/** A job kind that no worker registered and nobody declared; usually a typo. */
public class UnknownKindException extends InvalidInputException {
    public UnknownKindException(String kind) {
        super("kind", "unknown kind \"" + kind + "\": register a handler for it or declare it (declareKind in Java, gantry.declare_kind in SQL)");
    }
}
