package dev.gantry.server.cli.output;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * What the CLI writes to a terminal. Job args and errors, log lines, worker ids and queue names
 * come from whoever may enqueue a job or run a worker, and a terminal obeys the control
 * characters in them: an ESC sequence clears the screen, moves the cursor, retitles the window
 * or hides text, a carriage return overwrites the line. Every control character but newline and
 * tab (the rest of C0, DEL, C1) is written as U+FFFD instead, one for one, so columns stay aligned.
 * Wrapping the CLI's stdout and stderr makes every printer safe; {@code --json} output escapes
 * those characters itself ({@link JsonOutput}) and passes through unchanged.
 */
public final class TerminalWriter extends FilterWriter {
    static final char REPLACEMENT = '\uFFFD';
    /** On Windows a line ends with \r\n; elsewhere a carriage return only ever overwrites. */
    private static final boolean CRLF = System.lineSeparator().contains("\r");

    private TerminalWriter(Writer out) {
        super(out);
    }

    /** {@code out}, writing through a TerminalWriter (once: an already wrapped writer is returned as it is). */
    public static PrintWriter wrap(PrintWriter out) {
        return out instanceof Safe ? out : new Safe(new TerminalWriter(out));
    }

    private static final class Safe extends PrintWriter {
        Safe(Writer out) {
            super(out, true);
        }
    }

    static char printable(char c) {
        boolean control = (c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && CRLF)) || (c >= 0x7F && c <= 0x9F);
        return control ? REPLACEMENT : c;
    }

    @Override
    public void write(int c) throws IOException {
        super.write(printable((char) c));
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
        char[] safe = new char[len];
        for (int i = 0; i < len; i++) safe[i] = printable(cbuf[off + i]);
        super.write(safe, 0, len);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
        char[] safe = new char[len];
        for (int i = 0; i < len; i++) safe[i] = printable(str.charAt(off + i));
        super.write(safe, 0, len);
    }
}
