package dev.gantry.error;

/** Bad input from a caller: names the field and what is wrong with it. Nothing was written. */
public class InvalidInputException extends GantryException {
    private final String field;
    private final String reason;

    public InvalidInputException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
