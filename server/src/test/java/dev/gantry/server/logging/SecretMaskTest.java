package dev.gantry.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.config.DatabaseUrl;

class SecretMaskTest {
    private static final String PASSWORD = "s3cr3t-pw";

    @Test
    void masksEveryFormOfAJdbcQueryPasswordOnceToldTheUrl() {
        SecretMask mask = new SecretMask();
        mask.addAll(DatabaseUrl.parse("DATABASE_URL", "jdbc:postgresql://h/db?user=app&password=p%40ss-word").secrets());

        assertThat(mask.mask("connecting with p@ss-word")).isEqualTo("connecting with ****");
        assertThat(mask.mask("as written: p%40ss-word")).isEqualTo("as written: ****");
    }

    /** Whoever logs a URL with a password, known to this process or not, the password is hidden. */
    @ParameterizedTest
    @ValueSource(strings = {
        "dsn jdbc:postgresql://h:5432/db?user=app&password=" + PASSWORD + "&ssl=true",
        "dsn jdbc:postgresql://h:5432/db?ssl=true&PASSWORD=" + PASSWORD,
        "dsn jdbc:postgresql://h:5432/db?sslpassword=" + PASSWORD,
        "dsn postgres://app:" + PASSWORD + "@h:5432/db",
        "dsn postgresql://app:" + PASSWORD + "@x@h/db",
        "dsn jdbc:postgresql://app:" + PASSWORD + "@h/db",
        "{\"message\":\"dsn postgres:\\/\\/app:" + PASSWORD + "@h\\/db\",\"level\":\"INFO\"}",
        "{\"message\":\"dsn jdbc:postgresql:\\/\\/h\\/db?password=" + PASSWORD + "\",\"level\":\"INFO\"}",
    })
    void masksPasswordsInUrlsByTheirShape(String line) {
        String masked = new SecretMask().mask(line);

        assertThat(masked).doesNotContain(PASSWORD).contains("****").contains("dsn ");
    }

    @Test
    void leavesLinesWithoutSecretsAlone() {
        SecretMask mask = new SecretMask();
        String line = "listening on http://127.0.0.1:8080/api, mail ops@example.com, password= (empty)";

        assertThat(mask.mask(line)).isSameAs(line);
    }
}
