package dev.gantry.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.store.Db;
import dev.gantry.store.SchemaName;
import dev.gantry.store.TokenStore;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** The bootstrap admin token across restarts: generated first, then set, then rotated through GANTRY_ADMIN_TOKEN. */
@ExtendWith(PostgresExtension.class)
class TokenServiceTest {
    private static final String FIRST = "gty_bootstrap-first-0123456789abcdef";
    private static final String SECOND = "gty_bootstrap-second-0123456789abcdef";

    private TestDatabase db;
    private TokenService tokens;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.execute("TRUNCATE gantry.api_tokens RESTART IDENTITY");
        tokens = new TokenService(new TokenStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE));
    }

    private boolean accepted(String token) {
        return new Authenticator(new TokenStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE),
                java.util.Set.of()).authenticate("Bearer " + token).isPresent();
    }

    @Test
    void setTokenReplacesTheGeneratedOne() {
        TokenService.Bootstrap first = tokens.bootstrap(null);
        String generated = ((TokenService.Bootstrap.Generated) first).plain();

        TokenService.Bootstrap set = tokens.bootstrap(FIRST);

        assertThat(set).isEqualTo(new TokenService.Bootstrap.FromEnvironment(false));
        assertThat(accepted(FIRST)).isTrue();
        assertThat(accepted(generated)).isFalse();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens WHERE revoked_at IS NULL")).isEqualTo(1);
    }

    @Test
    void rotatedTokenReplacesThePreviousOneAtTheFirstRestart() {
        tokens.bootstrap(FIRST);

        TokenService.Bootstrap rotated = tokens.bootstrap(SECOND);

        assertThat(rotated).isEqualTo(new TokenService.Bootstrap.FromEnvironment(false));
        assertThat(accepted(SECOND)).isTrue();
        assertThat(accepted(FIRST)).isFalse();
    }

    @Test
    void sameTokenAgainChangesNothing() {
        tokens.bootstrap(FIRST);
        long rows = db.queryLong("SELECT count(*) FROM gantry.api_tokens");

        TokenService.Bootstrap again = tokens.bootstrap(FIRST);

        assertThat(again).isEqualTo(new TokenService.Bootstrap.FromEnvironment(false));
        assertThat(accepted(FIRST)).isTrue();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens")).isEqualTo(rows);
    }
}
