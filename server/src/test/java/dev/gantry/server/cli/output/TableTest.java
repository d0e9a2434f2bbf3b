package dev.gantry.server.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void alignsColumnsAndCutsLongCells() {
        StringWriter text = new StringWriter();
        Table t = new Table("ID", "KIND", "ARGS").maxWidth(2, 10);
        t.row(7, "email.send", "{\"to\": \"someone@example.com\"}");
        t.row(1234, null, "line\nbreak");

        t.print(new PrintWriter(text));

        assertThat(text.toString()).isEqualTo("""
                ID    KIND        ARGS
                7     email.send  {"to": "s…
                1234  -           line break
                """);
    }

    @Test
    void aTabInACellIsASpaceSoColumnsStayAligned() {
        StringWriter text = new StringWriter();
        new Table("A", "B").row("x\ty", "z").print(new PrintWriter(text));

        assertThat(text.toString()).isEqualTo("A    B\nx y  z\n");
    }

    @Test
    void theTerminalWriterReplacesEveryControlCharacterButNewlineAndTab() {
        StringWriter text = new StringWriter();
        PrintWriter out = TerminalWriter.wrap(new PrintWriter(text));

        out.print("a\u001b[2Jb\u0007c\rd\u007fe\u009b31mf\u0085g\tend\n");
        out.write('\u001b');
        out.write("x\u0000".toCharArray(), 0, 2);
        out.flush();

        assertThat(text.toString()).isEqualTo("a\uFFFD[2Jb\uFFFDc\uFFFDd\uFFFDe\uFFFD31mf\uFFFDg\tend\n\uFFFDx\uFFFD");
        assertThat(TerminalWriter.wrap(out)).as("wrapped once").isSameAs(out);
    }

    @Test
    void jsonOutputEscapesTheControlCharactersTheTerminalWriterWouldReplace() throws Exception {
        String value = "a\u001b[2J\u007f\u0085\u009bz";
        String json = JsonOutput.MAPPER.writeValueAsString(java.util.Map.of("error", value));

        assertThat(json).isEqualTo("{\"error\":\"a\\u001B[2J\\u007F\\u0085\\u009Bz\"}");
        assertThat(JsonOutput.MAPPER.readTree(json).get("error").asText()).isEqualTo(value);
    }

    @Test
    void relativeTimesUseTheLargestWholeUnit() {
        RelativeTime time = new RelativeTime(Clock.fixed(Instant.parse("2026-01-01T12:00:00Z"), ZoneOffset.UTC));

        assertThat(time.of(Instant.parse("2026-01-01T11:59:48Z"))).isEqualTo("12s ago");
        assertThat(time.of(Instant.parse("2026-01-01T12:05:00Z"))).isEqualTo("in 5m");
        assertThat(time.of(Instant.parse("2025-12-30T12:00:00Z"))).isEqualTo("2d ago");
        assertThat(time.of(null)).isEqualTo("-");
        assertThat(time.exact(Instant.parse("2026-01-01T09:00:00Z"))).isEqualTo("2026-01-01T09:00:00Z (3h ago)");
        assertThat(RelativeTime.span(Duration.ofMillis(850))).isEqualTo("850ms");
    }
}
