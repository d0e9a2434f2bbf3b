package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * jobs_queue_check and jobs_kind_check (rewritten in V004 to be cheap on every update) accept
 * exactly the names of V001 and of the Java validators: 1 to 128 of [A-Za-z0-9_.:-], not
 * starting with . : or -.
 */
@ExtendWith(PostgresExtension.class)
class JobNameCheckTest {
    private final TestDatabase db;

    JobNameCheckTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "default", "email.send", "_x", "9:a-b.c_d", "LONG"})
    void acceptsValidNames(String name) {
        insert(name, name);
        insert(name.repeat(128).substring(0, 128), name.repeat(128).substring(0, 128));

        assertThat(db.countJobs()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".a", ":a", "-a", "a b", "a/b", "é", "a\nb", "129"})
    void rejectsInvalidNames(String name) {
        String bad = name.equals("129") ? "a".repeat(129) : name;

        assertThatThrownBy(() -> insert(bad, "k")).hasMessageContaining("jobs_queue_check");
        assertThatThrownBy(() -> insert("q", bad)).hasMessageContaining("jobs_kind_check");
        assertThat(db.countJobs()).isZero();
    }

    private void insert(String queue, String kind) {
        db.execute("INSERT INTO gantry.jobs (queue, kind) VALUES ('" + queue.replace("'", "''") + "', '"
                + kind.replace("'", "''") + "')");
    }
}
