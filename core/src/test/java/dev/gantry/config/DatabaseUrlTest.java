package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
    private static final String SETTING = "DATABASE_URL";
    private static final String PASSWORD = "s3cr3t-pw";

    @Nested
    class PostgresForm {
        @Test
        void splitsUserAndPasswordOutOfTheJdbcUrl() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://app:" + PASSWORD + "@db.example.com:6543/orders");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/orders");
            assertThat(url.user()).isEqualTo("app");
            assertThat(url.password()).isEqualTo(PASSWORD);
        }

        @Test
        void acceptsThePostgresqlScheme() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgresql://app@localhost:5433/app");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/app");
            assertThat(url.user()).isEqualTo("app");
            assertThat(url.password()).isNull();
        }

        @Test
        void defaultsThePortTo5432() {
            assertThat(DatabaseUrl.parse(SETTING, "postgres://localhost/app").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://localhost:5432/app");
        }

        @Test
        void withoutCredentialsLeavesUserAndPasswordToTheDriver() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://localhost:5432/app");

            assertThat(url.user()).isNull();
            assertThat(url.password()).isNull();
        }

        @Test
        void keepsQueryParametersForTheDriver() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://app:pw@localhost/app?sslmode=require&connectTimeout=5");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app?sslmode=require&connectTimeout=5");
        }

        @Test
        void decodesPercentEncodedCredentials() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://app%40corp:p%40ss%2Fw%3Ard%25@localhost/app");

            assertThat(url.user()).isEqualTo("app@corp");
            assertThat(url.password()).isEqualTo("p@ss/w:rd%");
        }

        @Test
        void keepsAPlusInThePasswordLiterally() {
            // URL user info is not form-encoded: + is a plus, not a space.
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://app:a+b@localhost/app");

            assertThat(url.password()).isEqualTo("a+b");
        }

        @Test
        void acceptsAnIpv6Host() {
            assertThat(DatabaseUrl.parse(SETTING, "postgres://app@[::1]:5432/app").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://[::1]:5432/app");
        }

        @Test
        void ignoresSurroundingWhitespace() {
            assertThat(DatabaseUrl.parse(SETTING, "  postgres://localhost/app\n").jdbcUrl())
                    .isEqualTo("jdbc:postgresql://localhost:5432/app");
        }
    }

    @Nested
    class JdbcForm {
        @Test
        void isPassedToTheDriverAsGiven() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "jdbc:postgresql://localhost:5432/app?user=app&password=" + PASSWORD);

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app?user=app&password=" + PASSWORD);
            assertThat(url.user()).isNull();
            assertThat(url.password()).isNull();
        }
    }

    @Nested
    class BadInput {
        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"   ", "\t"})
        void emptyIsRejected(String text) {
            assertThatThrownBy(() -> DatabaseUrl.parse(SETTING, text))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("DATABASE_URL: must not be empty");
        }

        @Test
        void otherSchemesAreRejectedNamingTheAcceptedOnes() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> DatabaseUrl.parse(SETTING, "mysql://app@localhost/app"));

            assertThat(e.setting()).isEqualTo(SETTING);
            assertThat(e).hasMessageStartingWith("DATABASE_URL: must start with postgres://, postgresql:// or jdbc:postgresql://")
                    .hasMessageContaining("mysql://app@localhost/app");
        }

        @Test
        void aUrlWithoutHostIsRejected() {
            assertThatThrownBy(() -> DatabaseUrl.parse(SETTING, "postgres:///app"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("DATABASE_URL: has no host");
        }

        @ParameterizedTest
        @ValueSource(strings = {"postgres://localhost", "postgres://localhost:5432/", "postgres://app@localhost?sslmode=require"})
        void aUrlWithoutDatabaseNameIsRejected(String text) {
            assertThatThrownBy(() -> DatabaseUrl.parse(SETTING, text))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("DATABASE_URL: has no database name");
        }

        @Test
        void aMalformedUrlIsRejectedWithTheReason() {
            assertThatThrownBy(() -> DatabaseUrl.parse(SETTING, "postgres://local host/app"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("DATABASE_URL: is not a valid URL (Illegal character in authority)");
        }

        @Test
        void theErrorNamesTheSettingItWasGiven() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> DatabaseUrl.parse("--database-url", "nonsense"));

            assertThat(e.setting()).isEqualTo("--database-url");
            assertThat(e).hasMessageStartingWith("--database-url: ");
        }
    }

    @Nested
    class PasswordNeverShows {
        @ParameterizedTest
        @ValueSource(strings = {
            "postgres://app:" + PASSWORD + "@localhost:5432/app",
            "postgresql://app:" + PASSWORD + "@localhost/app?sslmode=require",
            "jdbc:postgresql://localhost:5432/app?user=app&password=" + PASSWORD,
            "jdbc:postgresql://localhost:5432/app?password=" + PASSWORD + "&sslmode=require",
            "jdbc:postgresql://localhost:5432/app?sslpassword=" + PASSWORD,
            "jdbc:postgresql://localhost:5432/app?ssl=true&PASSWORD=" + PASSWORD + "&user=app",
            "jdbc:postgresql://localhost:5432/app?Password=" + PASSWORD,
            "jdbc:postgresql://app:" + PASSWORD + "@localhost:5432/app",
            "postgres://app:" + PASSWORD + "@localhost/app?password=" + PASSWORD,
        })
        void inToStringOrRedacted(String text) {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, text);

            assertThat(url.toString()).doesNotContain(PASSWORD).contains("localhost");
            assertThat(url.redacted()).doesNotContain(PASSWORD);
        }

        @Test
        void anUrlEncodedPasswordParameterIsHiddenWhole() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "jdbc:postgresql://localhost/app?user=app&password=p%40ss%26w%3Drd&ssl=true");

            assertThat(url.redacted()).isEqualTo("jdbc:postgresql://localhost/app?user=app&password=****&ssl=true");
        }

        @Test
        void secretsHoldEveryFormOfThePasswordForLogMasks() {
            assertThat(DatabaseUrl.parse(SETTING, "postgres://app:p%40ss@localhost/app").secrets()).containsExactly("p@ss");
            assertThat(DatabaseUrl.parse(SETTING, "jdbc:postgresql://localhost/app?user=app&password=p%40ss+x&ssl=true").secrets())
                    .containsExactly("p%40ss+x", "p@ss x");
            assertThat(DatabaseUrl.parse(SETTING, "jdbc:postgresql://localhost/app?PASSWORD=" + PASSWORD + "&sslpassword=key-pw")
                    .secrets()).containsExactly(PASSWORD, "key-pw");
            assertThat(DatabaseUrl.parse(SETTING, "jdbc:postgresql://app:" + PASSWORD + "@localhost/app").secrets())
                    .containsExactly(PASSWORD);
            assertThat(DatabaseUrl.parse(SETTING, "jdbc:postgresql://localhost/app?user=app&password=").secrets()).isEmpty();
            assertThat(DatabaseUrl.parse(SETTING, "postgres://localhost/app").secrets()).isEmpty();
        }

        @Test
        void redactedStillShowsWhereItPoints() {
            DatabaseUrl url = DatabaseUrl.parse(SETTING, "postgres://app:" + PASSWORD + "@db.example.com:6543/orders");

            assertThat(url.redacted()).isEqualTo("jdbc:postgresql://db.example.com:6543/orders (user app)");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "mysql://app:" + PASSWORD + "@localhost/app",
            "postgres:/app:" + PASSWORD + "@localhost/app",
            "app:" + PASSWORD + "@localhost/app",
            "postgres://app:" + PASSWORD + "@/app",
            "postgres://app:" + PASSWORD + "@localhost",
            "postgres://app:" + PASSWORD + "@local host/app",
            // unencoded @, / and ? in the password end the user info or the authority early
            "postgres://app:" + PASSWORD + "@x@localhost/app",
            "postgres://app:" + PASSWORD + "/x@localhost/app",
            "postgres://app:" + PASSWORD + "?x@localhost/app",
            "postgres://app:" + PASSWORD + "#x@localhost/app",
            "postgres://app:x@" + PASSWORD + "@localhost/app",
        })
        void inErrorMessages(String text) {
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> DatabaseUrl.parse(SETTING, text));

            assertThat(e).as("%s must be rejected", text).isNotNull();
            assertThat(e.getMessage()).startsWith("DATABASE_URL: ").doesNotContain(PASSWORD);
        }
    }
}
