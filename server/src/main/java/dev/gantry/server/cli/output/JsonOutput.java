package dev.gantry.server.cli.output;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.gantry.Gantry;

/**
 * {@code --json} output: Gantry's mapper with snake_case names, times as ISO strings. A
 * document ({@link #print}) is indented; a stream ({@link #printLine}) is one object per line
 * (JSON Lines), so {@code jq} reads both.
 */
public final class JsonOutput {
    /**
     * The CLI's mapper: {@link Gantry#defaultObjectMapper()} with snake_case property names, and
     * DEL and C1 controls escaped as C0 already are, so JSON output holds no raw control
     * character and passes the {@link TerminalWriter} unchanged.
     */
    public static final ObjectMapper MAPPER = terminalSafe(Gantry.defaultObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));

    private JsonOutput() {
    }

    private static ObjectMapper terminalSafe(ObjectMapper mapper) {
        mapper.getFactory().setCharacterEscapes(new CharacterEscapes() {
            private final int[] ascii = asciiEscapes();

            @Override
            public int[] getEscapeCodesForAscii() {
                return ascii;
            }

            @Override
            public SerializableString getEscapeSequence(int ch) {
                return ch >= 0x80 && ch <= 0x9F ? new SerializedString(String.format("\\u%04X", ch)) : null;
            }

            private static int[] asciiEscapes() {
                int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
                codes[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
                return codes;
            }
        });
        return mapper;
    }

    public static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void printLine(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * JSON text from the database (args, result, fields) as a tree, so it is embedded as JSON
     * rather than as a string; null stays null.
     */
    public static JsonNode tree(String json) {
        if (json == null) return null;
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON does not parse", e);
        }
    }
}
