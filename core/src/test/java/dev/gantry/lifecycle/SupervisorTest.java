package dev.gantry.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.gantry.event.GantryListener;
import dev.gantry.time.SystemTimeSource;

/** The supervisor's contract: declared start order, reverse stop, and a failed start undone. */
class SupervisorTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private Service step(String name) {
        return new Service() {
            @Override
            public void start() {
                calls.add("start " + name);
            }

            @Override
            public void stop(Duration timeout) {
                calls.add("stop " + name);
            }
        };
    }

    private Supervisor supervisor(String failAt) {
        Supervisor s = new Supervisor(SystemTimeSource.INSTANCE, GantryListener.NONE, name -> {
            if (name.equals(failAt)) throw new IllegalStateException("injected at " + name);
        });
        for (String n : List.of("a", "b", "c")) s.add(n, step(n));
        return s;
    }

    @Test
    void startsInOrderAndStopsInReverse() {
        Supervisor s = supervisor(null);

        s.start();
        s.stop(Duration.ofSeconds(1));

        assertThat(calls).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "b", "c"})
    void aStartThatFailsStopsWhatStartedInReverseAndThrows(String failAt) {
        Supervisor s = supervisor(failAt);

        assertThatThrownBy(s::start).hasMessage("injected at " + failAt);

        assertThat(calls).as("the failed step is stopped first, then the started ones in reverse")
                .containsExactlyElementsOf(switch (failAt) {
                    case "a" -> List.of("stop a");
                    case "b" -> List.of("start a", "stop b", "stop a");
                    default -> List.of("start a", "start b", "stop c", "stop b", "stop a");
                });
        assertThat(s.running()).isFalse();
    }

    @Test
    void stopIsIdempotentAndSafeBeforeStartAndAfterAFailedStart() {
        Supervisor s = supervisor("b");
        s.stop(Duration.ofSeconds(1));
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        calls.clear();

        s.stop(Duration.ofSeconds(1));
        s.stop(Duration.ofSeconds(1));

        assertThat(calls).isEmpty();
    }
}
