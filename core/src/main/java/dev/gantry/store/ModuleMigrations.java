package dev.gantry.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * The migrations when Gantry runs as a named module: Flyway's class path scanner sees their
 * names there but may not read them (a module's resources are its own), so this lists them with
 * the module's reader and reads them as the module itself. On the class path Flyway scans as usual.
 */
final class ModuleMigrations implements ResourceProvider {
    private static final String LOCATION = "db/migration/";

    private final Module module;
    private final List<String> paths;

    private ModuleMigrations(Module module, List<String> paths) {
        this.module = module;
        this.paths = paths;
    }

    /** The provider for this module, or null on the class path (unnamed module: Flyway's own scan works). */
    static ModuleMigrations ofGantryModule() {
        Module module = ModuleMigrations.class.getModule();
        if (!module.isNamed() || module.getLayer() == null) return null;
        ResolvedModule resolved = module.getLayer().configuration().findModule(module.getName()).orElseThrow();
        try (ModuleReader reader = resolved.reference().open(); Stream<String> all = reader.list()) {
            return new ModuleMigrations(module, all.filter(p -> p.startsWith(LOCATION) && p.length() > LOCATION.length()
                    && p.indexOf('/', LOCATION.length()) < 0).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the migrations of module " + module.getName(), e);
        }
    }

    @Override
    public LoadableResource getResource(String name) {
        return paths.stream().filter(p -> p.equals(name) || p.equals(LOCATION + name)).findFirst()
                .map(this::resource).orElse(null);
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        return paths.stream().filter(p -> {
            String file = p.substring(LOCATION.length());
            return file.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(file::endsWith);
        }).map(this::resource).toList();
    }

    private LoadableResource resource(String path) {
        String file = path.substring(LOCATION.length());
        return new LoadableResource() {
            @Override
            public Reader read() {
                try {
                    InputStream in = module.getResourceAsStream(path);
                    if (in == null) throw new IllegalStateException("migration " + path + " is missing from " + module.getName());
                    return new InputStreamReader(in, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String getAbsolutePath() {
                return path;
            }

            @Override
            public String getAbsolutePathOnDisk() {
                return path;
            }

            @Override
            public String getFilename() {
                return file;
            }

            @Override
            public String getRelativePath() {
                return file;
            }
        };
    }
}
