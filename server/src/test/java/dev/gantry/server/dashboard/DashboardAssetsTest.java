package dev.gantry.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.server.testing.Browser;
import dev.gantry.server.testing.BrowserScreenshots;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The dashboard's files as a browser fetches them, without a token: index.html, what it links
 * (scripts, styles, the import map's targets) and every module those import, recursively. ES
 * modules only run when served with a JavaScript type; ours must be revalidated (no-cache), the
 * versioned WebJars may be kept. Knows nothing of the dashboard but how a page loads its files.
 */
@ExtendWith({PostgresExtension.class, BrowserScreenshots.class})
class DashboardAssetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAG = Pattern.compile("<(script|link)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([\\w:-]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");
    private static final Pattern IMPORT_MAP = Pattern.compile(
            "<script\\b[^>]*\\btype\\s*=\\s*[\"']?importmap[\"']?[^>]*>(.*?)</script>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    // import x from '..', import {a as b} from "..", import '..', export * from '..' (minified too: import{a}from"..").
    private static final Pattern STATIC_IMPORT = Pattern.compile(
            "(?:^|[;}\\s])(?:import|export)\\s*(?:[\\w$*{}\\s,]*?\\s*from\\s*)?[\"']([^\"'\\n]+)[\"']", Pattern.MULTILINE);
    private static final Pattern DYNAMIC_IMPORT = Pattern.compile("\\bimport\\s*\\(\\s*[\"']([^\"'\\n]+)[\"']\\s*\\)");
    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("^\\s*//.*$", Pattern.MULTILINE);
    private static final Pattern JAVASCRIPT = Pattern.compile("^(text|application)/javascript\\b.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

    private static RunningServer server;

    @BeforeAll
    static void start(TestDatabase db) {
        server = RunningServer.start(db, false, 1 << 20);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void everyFileThePageLoadsIsServedWithoutTokenWithTheRightTypeAndCaching() {
        HttpResponse<String> index = fetch("/");
        assertThat(index.statusCode()).as("GET / without a token").isEqualTo(200);
        assertThat(header(index, "Content-Type")).startsWith("text/html");
        assertOurCaching("/", index);
        String html = index.body();

        Map<String, String> imports = importMap(html);
        Deque<String> modules = new ArrayDeque<>();
        Set<String> checked = new LinkedHashSet<>();
        Set<String> preloaded = new LinkedHashSet<>();
        Set<String> imported = new LinkedHashSet<>();
        for (Matcher tag = TAG.matcher(html); tag.find(); ) {
            Map<String, String> a = attributes(tag.group(2));
            String url = tag.group(1).equalsIgnoreCase("script") ? a.get("src") : a.get("href");
            if (url == null || url.startsWith("data:")) continue;
            String path = sameOrigin(resolve("/", url), "<" + tag.group(1) + "> in index.html");
            if (tag.group(1).equalsIgnoreCase("script") && "module".equalsIgnoreCase(a.get("type"))
                    || "modulepreload".equalsIgnoreCase(a.get("rel"))) {
                modules.add(path);
                if ("modulepreload".equalsIgnoreCase(a.get("rel"))) preloaded.add(path);
            } else if (checked.add(path)) {
                assertServed(path, "stylesheet".equalsIgnoreCase(a.get("rel")) ? "text/css" : null);
            }
        }
        // Every file the import map names must exist, even if no module imports it yet.
        imports.forEach((specifier, target) -> {
            if (!target.endsWith("/")) modules.add(sameOrigin(resolve("/", target), "import map entry " + specifier));
        });

        while (!modules.isEmpty()) {
            String path = modules.poll();
            if (!checked.add(path)) continue;
            String source = assertServed(path, "javascript").body();
            for (String specifier : imports(source)) {
                String target = sameOrigin(resolveSpecifier(path, specifier, imports), "import '" + specifier + "' in " + path);
                modules.add(target);
                imported.add(target);
            }
        }
        // A module found only by parsing its importer costs a cold load one more round trip.
        assertThat(preloaded).as("modules index.html preloads (<link rel=modulepreload>)").containsAll(imported);
    }

    @Test
    void pageOpensWithTitleAndNoConsoleErrors(Browser browser) {
        browser.open(server.baseUrl() + "/");

        // Without a token the dashboard shows its login page, having asked the API nothing.
        browser.waitReady("login", java.time.Duration.ofSeconds(30));
        assertThat(browser.driver().getTitle()).isEqualTo("Log in · Gantry");
        assertThat(browser.severeConsoleMessages()).as("console errors").isEmpty();
    }

    /** Fetches {@code path} (no token), checks status, type and caching; returns the response. */
    private static HttpResponse<String> assertServed(String path, String type) {
        HttpResponse<String> r = fetch(path);
        assertThat(r.statusCode()).as("GET %s without a token", path).isEqualTo(200);
        String contentType = header(r, "Content-Type");
        if ("javascript".equals(type) || path.endsWith(".js") || path.endsWith(".mjs")) {
            assertThat(contentType).as("Content-Type of module %s (browsers refuse others)", path).matches(JAVASCRIPT);
        } else if (type != null) {
            assertThat(contentType).as("Content-Type of %s", path).startsWith(type);
        }
        if (path.startsWith("/webjars/")) {
            Matcher maxAge = MAX_AGE.matcher(header(r, "Cache-Control"));
            assertThat(maxAge.find()).as("Cache-Control of %s has a max-age: %s", path, header(r, "Cache-Control")).isTrue();
            assertThat(Long.parseLong(maxAge.group(1))).as("max-age of versioned WebJar %s", path)
                    .isGreaterThanOrEqualTo(Duration.ofDays(30).toSeconds());
        } else {
            assertOurCaching(path, r);
        }
        return r;
    }

    /** Our own files change with every server version, so the browser must revalidate them. */
    private static void assertOurCaching(String path, HttpResponse<String> r) {
        assertThat(header(r, "Cache-Control")).as("Cache-Control of %s", path).contains("no-cache");
    }

    private static Map<String, String> importMap(String html) {
        Map<String, String> imports = new LinkedHashMap<>();
        Matcher m = IMPORT_MAP.matcher(html);
        if (!m.find()) return imports;
        JsonNode map;
        try {
            map = JSON.readTree(m.group(1));
        } catch (IOException e) {
            throw new AssertionError("the import map in index.html is not JSON: " + m.group(1), e);
        }
        map.path("imports").properties().forEach(e -> imports.put(e.getKey(), e.getValue().asText()));
        assertThat(m.find()).as("index.html has one import map").isFalse();
        return imports;
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> a = new LinkedHashMap<>();
        for (Matcher m = ATTRIBUTE.matcher(text); m.find(); ) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            a.put(m.group(1).toLowerCase(), value == null ? "" : value);
        }
        return a;
    }

    /** The specifiers a module imports, statically or with a literal dynamic import. */
    static List<String> imports(String source) {
        String code = LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(source).replaceAll(" ")).replaceAll("");
        Set<String> found = new LinkedHashSet<>();
        for (Matcher m = STATIC_IMPORT.matcher(code); m.find(); ) found.add(m.group(1));
        for (Matcher m = DYNAMIC_IMPORT.matcher(code); m.find(); ) found.add(m.group(1));
        return List.copyOf(found);
    }

    /** As a browser does: relative and absolute URLs against the module, bare names through the import map. */
    private static URI resolveSpecifier(String from, String specifier, Map<String, String> imports) {
        if (specifier.startsWith("/") || specifier.startsWith("./") || specifier.startsWith("../") || specifier.contains("://")) {
            return resolve(from, specifier);
        }
        if (imports.containsKey(specifier)) return resolve("/", imports.get(specifier));
        // A prefix entry ("lib/": "/webjars/lib/1.0/") maps everything under it; the longest wins.
        String prefix = imports.keySet().stream().filter(k -> k.endsWith("/") && specifier.startsWith(k))
                .reduce((a, b) -> a.length() >= b.length() ? a : b)
                .orElseThrow(() -> new AssertionError("bare import '" + specifier + "' in " + from
                        + " is not in the import map " + imports));
        return resolve("/", imports.get(prefix) + specifier.substring(prefix.length()));
    }

    private static URI resolve(String base, String url) {
        return URI.create(server.baseUrl() + base).resolve(url);
    }

    /** The dashboard must work without internet: everything comes from the server itself. */
    private static String sameOrigin(URI uri, String what) {
        URI origin = URI.create(server.baseUrl());
        assertThat(uri.getScheme() + "://" + uri.getAuthority()).as("%s loads %s from another origin", what, uri)
                .isEqualTo(origin.getScheme() + "://" + origin.getAuthority());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static HttpResponse<String> fetch(String path) {
        try {
            return server.http.client().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }
}
