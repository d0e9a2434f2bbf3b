package dev.gantry.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.gantry.error.StoreException;

/**
 * Connections and transactions. {@link #inTransaction} is the one way Gantry opens a
 * transaction; callers' own connections (transactional enqueue) are used as given and never
 * committed here.
 */
public final class Db {
    private final DataSource dataSource;

    public Db(DataSource dataSource) {
        if (dataSource == null) throw new NullPointerException("dataSource");
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection conn) throws SQLException;
    }

    /** Runs work on a pooled connection in autocommit mode. */
    public <T> T withConnection(String operation, SqlWork<T> work) {
        try (Connection conn = dataSource.getConnection()) {
            return work.run(conn);
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(String operation, SqlWork<T> work) {
        try (Connection conn = dataSource.getConnection()) {
            boolean autoCommit = conn.getAutoCommit();
            conn.setAutoCommit(false);
            T result;
            try {
                result = work.run(conn);
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                // On a dead connection these fail too; the first error is the one that explains.
                try {
                    conn.rollback();
                    conn.setAutoCommit(autoCommit);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            conn.setAutoCommit(autoCommit);
            return result;
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }

    /**
     * Runs work in one transaction after applying {@code SET LOCAL} settings (one round trip),
     * which end with it. 
     */
    public <T> T inTransactionWith(String settings, String operation, SqlWork<T> work) {
        return inTransaction(operation, conn -> {
            try (var st = conn.createStatement()) {
                st.execute(settings);
            }
            return work.run(conn);
        });
    }

    /** Runs work on a caller's connection, leaving its transaction to the caller. */
    public static <T> T onCallerConnection(Connection conn, String operation, SqlWork<T> work) {
        try {
            return work.run(conn);
        } catch (SQLException e) {
            throw new StoreException(operation, e);
        }
    }
}
