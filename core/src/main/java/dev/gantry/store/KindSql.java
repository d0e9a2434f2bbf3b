package dev.gantry.store;

/** Queries on {@code gantry.kinds}; only {@link KindStore} uses them. */
final class KindSql {
    private KindSql() {
    }

    /** Declares kinds; existing ones are left alone. */
    static final String DECLARE = """
            INSERT INTO gantry.kinds (name) SELECT unnest(:names::text[]) ON CONFLICT DO NOTHING""";

    /** Which of these kinds are declared. */
    static final String SELECT_KNOWN = "SELECT name FROM gantry.kinds WHERE name = ANY(:names::text[])";

    static final String SELECT_ALL = "SELECT name FROM gantry.kinds ORDER BY name";
}
