package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** The worker's claims and outcomes skip the WAL flush only inside their own transaction. */
@ExtendWith(PostgresExtension.class)
class AsyncCommitTest {
    private static String setting(java.sql.Connection c) throws java.sql.SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_setting('synchronous_commit')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void asyncCommitTransactionTurnsOffSynchronousCommitForItselfOnly(TestDatabase db) {
        Db store = new Db(db.dataSource());

        assertThat(store.inAsyncCommitTransaction("probe", AsyncCommitTest::setting)).isEqualTo("off");
        assertThat(store.withConnection("probe", AsyncCommitTest::setting)).isEqualTo("on");
        assertThat(store.inTransaction("probe", AsyncCommitTest::setting)).isEqualTo("on");
    }
}
