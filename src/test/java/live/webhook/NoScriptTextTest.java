package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/**
 * The YAML refers to Java by name only: no route file, and no YAML camel-main loads from the jar,
 * holds script text (a scripting language's expression, a bean made by a script), and no Groovy is
 * on the service's classpath. Logic lives in classes under src/main/java, with unit tests.
 */
class NoScriptTextTest {

    static final Set<String> SCRIPT_KEYS = Set.of("script", "scriptLanguage", "groovy", "joor", "java", "js", "python",
            "mvel", "ognl", "spel", "jsh");

    @Test
    void noYamlOfTheServiceHoldsScriptText() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("routes"), Path.of("src/main/resources"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
            }
        }
        assertThat(files).extracting(Path::toString).contains("routes/webhook.camel.yaml", "src/main/resources/camel-main/startup.camel.yaml");
        for (Path file : files) {
            List<String> found = new ArrayList<>();
            scriptKeys(yaml.readValue(file.toFile(), Object.class), "", found);
            assertThat(found).as("script text in %s", file).isEmpty();
        }
    }

    @Test
    void groovyIsNotOnTheClasspath() {
        assertThat(getClass().getClassLoader().getResource("groovy/lang/GroovyObject.class")).isNull();
        assertThat(getClass().getClassLoader().getResource("org/apache/camel/language/groovy/GroovyLanguage.class")).isNull();
    }

    static void scriptKeys(Object node, String path, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (SCRIPT_KEYS.contains(key)) {
                    found.add(path + "/" + key);
                }
                scriptKeys(v, path + "/" + key, found);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                scriptKeys(list.get(i), path + "/" + i, found);
            }
        }
    }
}
