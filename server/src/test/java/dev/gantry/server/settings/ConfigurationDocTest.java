package dev.gantry.server.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigurationDocTest {
    private static final Path DOC = Path.of("../docs/configuration.md");

    @Test
    void docsMatchTheSettingsTable() throws IOException {
        String rendered = ConfigurationDoc.render(WorkerSettings.ALL, ServerSettings.OWN);
        if (Boolean.getBoolean("gantry.updateDocs")) Files.writeString(DOC, rendered);

        assertThat(Files.readString(DOC)).as("docs/configuration.md is stale: see the comment at its top").isEqualTo(rendered);
    }

    @Test
    void defaultsAreValidAndFlagsWinOverEnvironment() {
        SettingsLoader loader = new SettingsLoader(
                Map.of("DATABASE_URL", "postgres://u@h/db", "GANTRY_QUEUES", "a:1"),
                Map.of("--queues", "b:2")).load(WorkerSettings.ALL);

        assertThat(loader.errors()).isEmpty();
        assertThat(loader.get(WorkerSettings.QUEUES)).extracting(q -> q.name()).containsExactly("b");
        assertThat(loader.get(WorkerSettings.WORKER_ID)).isNull();
        assertThat(loader.get(WorkerSettings.LISTEN)).isTrue();
    }

    @Test
    void collectsEveryErrorAndNeverShowsThePassword() {
        SettingsLoader loader = new SettingsLoader(Map.of(
                "DATABASE_URL", "mysql://root:topsecret@h/db",
                "GANTRY_DEAD_TIMEOUT_MS", "soon",
                "GANTRY_LOG_BUFFER_SIZE", "5",
                "GANTRY_POOL_SIZE", "1"), Map.of()).load(WorkerSettings.ALL);

        assertThat(loader.errors()).hasSize(4);
        assertThat(String.join("\n", loader.errors())).doesNotContain("topsecret")
                .contains("DATABASE_URL: must start with postgres://")
                .contains("GANTRY_DEAD_TIMEOUT_MS: must be a whole number, got \"soon\"")
                .contains("GANTRY_LOG_BUFFER_SIZE: must be between 100 and 1000000, got 5")
                .contains("GANTRY_POOL_SIZE: must be between 2 and 1000, got 1");
    }

    @Test
    void refusesTheAdminTokensExampleFilesOnceShipped() {
        for (String placeholder : java.util.List.of("local-admin-token-change-me", "CHANGE-ME-to-the-output-of-openssl-rand-hex-32",
                "please-Change_Me-before-production")) {
            SettingsLoader loader = new SettingsLoader(Map.of("GANTRY_ADMIN_TOKEN", placeholder), Map.of()).load(ServerSettings.ALL);

            assertThat(loader.errors()).as(placeholder).containsExactly("GANTRY_ADMIN_TOKEN: is a placeholder from an example"
                    + " file, which anyone can read; set a secret of your own, e.g. the output of openssl rand -hex 32");
        }
        SettingsLoader random = new SettingsLoader(Map.of("GANTRY_ADMIN_TOKEN", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c"),
                Map.of()).load(ServerSettings.ALL);
        assertThat(random.errors()).isEmpty();
        assertThat(random.get(ServerSettings.ADMIN_TOKEN)).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c");
    }
}
