package dev.gantry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The server (and the benchmarks' runnable parts) reach core through its public API only: no
 * reference, by import or by fully qualified name, to a package core's module-info does not
 * export. The same library every user gets is enough to build the REST API, the CLI and the streams.
 */
class LibraryBoundaryTest {
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.gantry\\.([a-z]+)\\.[A-Za-z_]");
    private static final Pattern EXPORT = Pattern.compile("^\\s*exports\\s+dev\\.gantry(?:\\.([a-z]+))?\\s*;", Pattern.MULTILINE);

    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    private static Set<String> exported() throws IOException {
        Matcher m = EXPORT.matcher(code(Files.readString(Path.of("../core/src/main/java/module-info.java"))));
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) if (m.group(1) != null) out.add(m.group(1));
        return out;
    }

    @Test
    void serverUsesOnlyThePackagesCoreExports() throws IOException {
        Set<String> exported = exported();
        assertThat(exported).contains("client").doesNotContain("store", "worker", "control");
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    String pkg = m.group(1);
                    if (!pkg.equals("server") && !exported.contains(pkg)) {
                        violations.add(root.relativize(file) + " uses dev.gantry." + pkg);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void aFullyQualifiedNameCountsAsAReference() {
        Matcher m = REFERENCE.matcher(code("class A { Object o = new dev.gantry.store.Db(null); /* dev.gantry.worker.X */ }"));

        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("store");
        assertThat(m.find()).isFalse();
    }
}
