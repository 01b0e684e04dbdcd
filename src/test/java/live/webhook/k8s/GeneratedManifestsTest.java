package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The files under k8s/ that derive from routes/ and application.properties are exactly what
 * {@link Manifests} makes of them now; {@value Manifests#REGENERATE} rewrites them.
 */
class GeneratedManifestsTest {

    static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void committedFilesAreWhatTheGeneratorMakesOfTheRoutes() throws IOException {
        Map<String, String> generated = Manifests.generate(ROOT);
        for (Map.Entry<String, String> file : generated.entrySet()) {
            Path path = ROOT.resolve(file.getKey());
            assertThat(path).as("%s is generated; run %s", file.getKey(), Manifests.REGENERATE).exists();
            assertThat(Files.readString(path, StandardCharsets.UTF_8))
                    .as("%s differs from routes/ or application.properties; run %s", file.getKey(), Manifests.REGENERATE)
                    .isEqualTo(file.getValue());
        }
    }
}
