package dev.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.error.InvalidInputException;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Tokens through the public API: made with a secret shown once and stored as a digest; the
 * bootstrap admin token across restarts (generated first, then set, then rotated); revocation.
 */
@ExtendWith(PostgresExtension.class)
class TokenClientTest {
    private static final String FIRST = "gty_bootstrap-first-0123456789abcdef";
    private static final String SECOND = "gty_bootstrap-second-0123456789abcdef";

    private TestDatabase db;
    private Gantry gantry;
    private TokenClient tokens;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.execute("TRUNCATE gantry.api_tokens RESTART IDENTITY");
        gantry = Gantry.builder().dataSource(db.dataSource()).build();
        tokens = gantry.tokens();
    }

    @AfterEach
    void tearDown() {
        gantry.close();
    }

    private boolean accepted(String secret) {
        return tokens.authenticate(secret).isPresent();
    }

    @Test
    void setTokenReplacesTheGeneratedOne() {
        TokenBootstrap first = tokens.bootstrap(null);
        String generated = ((TokenBootstrap.Generated) first).secret();

        TokenBootstrap set = tokens.bootstrap(FIRST);

        assertThat(set).isEqualTo(new TokenBootstrap.Given(false));
        assertThat(accepted(FIRST)).isTrue();
        assertThat(accepted(generated)).isFalse();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens WHERE revoked_at IS NULL")).isEqualTo(1);
    }

    @Test
    void rotatedTokenReplacesThePreviousOneAtTheFirstRestart() {
        tokens.bootstrap(FIRST);

        TokenBootstrap rotated = tokens.bootstrap(SECOND);

        assertThat(rotated).isEqualTo(new TokenBootstrap.Given(false));
        assertThat(accepted(SECOND)).isTrue();
        assertThat(accepted(FIRST)).isFalse();
    }

    @Test
    void sameTokenAgainChangesNothing() {
        tokens.bootstrap(FIRST);
        long rows = db.queryLong("SELECT count(*) FROM gantry.api_tokens");

        TokenBootstrap again = tokens.bootstrap(FIRST);

        assertThat(again).isEqualTo(new TokenBootstrap.Given(false));
        assertThat(accepted(FIRST)).isTrue();
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens")).isEqualTo(rows);
    }

    @Test
    void aShortBootstrapSecretIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> tokens.bootstrap("too-short"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("admin_token"));

        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens")).isZero();
    }

    @Test
    void aTokenIsStoredAsItsDigestAndStopsWorkingWhenRevoked() {
        IssuedToken issued = tokens.create("grafana", "viewer", null, "test");

        assertThat(issued.secret()).startsWith("gty_").hasSizeGreaterThan(40);
        assertThat(issued.toString()).doesNotContain(issued.secret());
        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens WHERE token_sha256 = sha256(convert_to(?, 'UTF8'))",
                issued.secret())).isEqualTo(1);
        assertThat(tokens.authenticate(issued.secret())).map(ApiToken::name).contains("grafana");

        tokens.revoke("grafana");

        assertThat(accepted(issued.secret())).isFalse();
        assertThat(tokens.get(issued.token().id())).get().satisfies(t -> assertThat(t.active(Instant.now())).isFalse());
    }

    @Test
    void badInputMakesNoToken() {
        assertThatThrownBy(() -> tokens.create("ops", "root", null, "test")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("viewer, operator or admin");
        assertThatThrownBy(() -> tokens.create("123", "viewer", null, "test")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> tokens.create("old", "viewer", Instant.now().minusSeconds(1), "test"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("future");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.api_tokens")).isZero();
    }
}
