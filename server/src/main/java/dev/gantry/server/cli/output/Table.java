package dev.gantry.server.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header row and left-aligned columns two spaces apart. Cells are cut to
 * their column's maximum width with an ellipsis, and line breaks and tabs in a cell become
 * spaces, so one row is always one line (scripts that grep the human output keep working).
 * Other control characters are the {@link TerminalWriter}'s to replace.
 *
 * <pre>{@code
 * Table t = new Table("ID", "KIND", "ARGS").maxWidth(2, 40);
 * t.row(42, "email.send", "{\"to\":\"a@b.c\"}");
 * t.print(out);
 * }</pre>
 */
public final class Table {
    private final String[] headers;
    private final int[] maxWidths;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = headers.clone();
        this.maxWidths = new int[headers.length];
        Arrays.fill(maxWidths, Integer.MAX_VALUE);
    }

    /** Cuts the cells of one column to at most {@code width} characters (at least 2). */
    public Table maxWidth(int column, int width) {
        maxWidths[column] = Math.max(2, width);
        return this;
    }

    public Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + headers.length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) row[i] = cell(cells[i], maxWidths[i]);
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) widths[i] = headers[i].length();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        line(out, headers, widths);
        for (String[] row : rows) line(out, row, widths);
        out.flush();
    }

    private static void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(cells[i]);
            if (i < cells.length - 1) sb.append(" ".repeat(widths[i] - cells[i].length() + 2));
        }
        out.println(sb.toString().stripTrailing());
    }

    /** One line of at most {@code max} characters; null shows as "-". */
    public static String cell(Object value, int max) {
        if (value == null) return "-";
        String s = value.toString().replaceAll("\\R|\t", " ");
        if (s.isEmpty()) return "-";
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
