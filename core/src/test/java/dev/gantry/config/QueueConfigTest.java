package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class QueueConfigTest {
    private static final String SETTING = "GANTRY_QUEUES";

    private static List<QueueConfig> parse(String spec) {
        return QueueConfig.parseList(SETTING, spec, 8);
    }

    @Nested
    class Parsing {
        @Test
        void readsNamesAndConcurrenciesInOrder() {
            assertThat(parse("default:16,mail:4"))
                    .containsExactly(new QueueConfig("default", 16), new QueueConfig("mail", 4));
        }

        @Test
        void aQueueWithoutConcurrencyGetsTheDefault() {
            assertThat(parse("default,mail:2")).containsExactly(new QueueConfig("default", 8), new QueueConfig("mail", 2));
        }

        @Test
        void ignoresWhitespaceAroundEntriesNamesAndNumbers() {
            assertThat(parse(" default : 16 ,\tmail:4 ")).containsExactly(new QueueConfig("default", 16), new QueueConfig("mail", 4));
        }

        @Test
        void theLastColonSeparatesTheConcurrencySoNamesMayHoldColons() {
            assertThat(parse("tenant:42:3")).containsExactly(new QueueConfig("tenant:42", 3));
        }

        @Test
        void acceptsEveryCharacterOfTheNameRule() {
            assertThat(parse("a_b.c-d:1,_x:2,9:3")).extracting(QueueConfig::name).containsExactly("a_b.c-d", "_x", "9");
        }

        @Test
        void acceptsTheConcurrencyBounds() {
            assertThat(parse("a:1,b:10000")).extracting(QueueConfig::concurrency).containsExactly(1, QueueConfig.MAX_CONCURRENCY);
        }

        @Test
        void returnsAnImmutableList() {
            List<QueueConfig> queues = parse("default:1");

            assertThatThrownBy(() -> queues.add(new QueueConfig("x", 1))).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void formatIsTheInverseOfParse() {
            String spec = "default:16,mail:4,tenant:42:3";

            assertThat(QueueConfig.format(parse(spec))).isEqualTo(spec);
            assertThat(parse(QueueConfig.format(parse("a,b:2")))).isEqualTo(parse("a,b:2"));
        }
    }

    @Nested
    class BadInput {
        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"  "})
        void nothingToParse(String spec) {
            assertThatThrownBy(() -> parse(spec))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("GANTRY_QUEUES: must name at least one queue");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "mail:x     | concurrency of queue \"mail\" must be a number, got \"x\"",
            "mail:      | concurrency of queue \"mail\" must be a number, got \"\"",
            "mail:1.5   | concurrency of queue \"mail\" must be a number, got \"1.5\"",
            "mail:99999999999 | concurrency of queue \"mail\" must be a number, got \"99999999999\"",
        })
        void concurrencyMustBeANumber(String spec, String reason) {
            assertThatThrownBy(() -> parse(spec))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("GANTRY_QUEUES: " + reason);
        }

        @ParameterizedTest
        @ValueSource(strings = {"mail:0", "mail:-1", "mail:10001"})
        void concurrencyMustBeInRange(String spec) {
            String got = spec.substring("mail:".length());

            assertThatThrownBy(() -> parse(spec))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("GANTRY_QUEUES: queue mail: concurrency must be between 1 and 10000, got " + got);
        }

        @ParameterizedTest
        @ValueSource(strings = {"bad name:2", "-mail:2", ".mail", "ma!l:1", "caf\u00e9:1"})
        void badNamesAreRejectedQuotingTheName(String spec) {
            String name = spec.contains(":") ? spec.substring(0, spec.lastIndexOf(':')) : spec;

            assertThatThrownBy(() -> parse(spec))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("GANTRY_QUEUES: queue: name must be at most 128 letters, digits or _ . : -")
                    .hasMessageEndingWith("got \"" + name + "\"");
        }

        @Test
        void aNameLongerThan128CharactersIsRejected() {
            assertThat(parse("q".repeat(128) + ":1")).hasSize(1);
            assertThatThrownBy(() -> parse("q".repeat(129) + ":1"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("GANTRY_QUEUES: queue: name must be at most 128");
        }

        @ParameterizedTest
        @ValueSource(strings = {",mail:1", "default:1,,mail:1", "default:1,", ":4", "default:1, ,mail:2"})
        void emptyEntriesAreRejected(String spec) {
            assertThatThrownBy(() -> parse(spec))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("GANTRY_QUEUES: queue: name must be at most 128")
                    .hasMessageEndingWith("got \"\"");
        }

        @Test
        void aQueueListedTwiceIsRejected() {
            assertThatThrownBy(() -> parse("mail:1,default:2,mail:3"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("GANTRY_QUEUES: queue \"mail\" is listed twice");
        }

        @Test
        void theErrorNamesTheSettingItWasGiven() {
            ConfigException e = catchThrowableOfType(ConfigException.class,
                    () -> QueueConfig.parseList("--queues", "mail:0", 1));

            assertThat(e.setting()).isEqualTo("--queues");
            assertThat(e).hasMessageStartingWith("--queues: ");
        }

        @Test
        void theConstructorValidatesToo() {
            assertThatThrownBy(() -> new QueueConfig(null, 1))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("got \"null\"");
            assertThatThrownBy(() -> new QueueConfig("mail", 0))
                    .isInstanceOf(ConfigException.class).hasMessage("queue mail: concurrency must be between 1 and 10000, got 0");
        }
    }
}
