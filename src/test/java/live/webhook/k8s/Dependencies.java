package live.webhook.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CatalogCamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The Camel artifacts a piece of route YAML needs, as Camel K dependencies ({@code camel:kafka}).
 * Endpoints are found by their URI scheme wherever an endpoint URI can stand, data formats under
 * marshal/unmarshal, languages by their DSL key (and a bean script's scriptLanguage); each name is looked up in the metadata that ships
 * inside the Camel jars on the project's classpath (the same jars the local run uses), which names
 * the artifact. Core artifacts need no dependency. Camel K cannot see a component whose URI is a
 * placeholder, so such a URI fails here instead of being silently left out.
 */
final class Dependencies {

    /** Keys whose string value is an endpoint URI (the map forms carry it in "uri"). */
    private static final Set<String> URI_KEYS = Set.of("uri", "to", "toD", "from", "wireTap", "inOnly", "inOut");
    private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");
    /** Artifacts of camel-core and the YAML DSL itself: always present, never a dependency. */
    private static final Set<String> CORE = Set.of("camel-base", "camel-base-engine", "camel-core-engine",
            "camel-core-languages", "camel-core-model", "camel-core-processor", "camel-core-reifier",
            "camel-support", "camel-api", "camel-util", "camel-yaml-dsl");

    private final ObjectMapper json = new ObjectMapper();
    private final CatalogCamelContext camel = new DefaultCamelContext(false);
    private final Set<String> found = new TreeSet<>();

    static Set<String> of(Object yaml) {
        Dependencies dependencies = new Dependencies();
        dependencies.scan(yaml, null);
        return dependencies.found;
    }

    private void scan(Object node, String parentKey) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object value = e.getValue();
                if (URI_KEYS.contains(key) && value instanceof String uri) {
                    component(uri);
                }
                if (("marshal".equals(key) || "unmarshal".equals(key)) && value instanceof Map<?, ?> formats) {
                    formats.forEach((name, options) -> dataFormat(String.valueOf(name), options));
                }
                if (!"parameters".equals(key)) {
                    language(key);
                }
                // A bean made by a script (beans: ... scriptLanguage: groovy) needs that language.
                if ("scriptLanguage".equals(key) && value instanceof String scriptLanguage) {
                    if (!language(scriptLanguage)) {
                        add("script language", scriptLanguage, null);
                    }
                }
                scan(value, key);
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> scan(item, parentKey));
        }
    }

    private void component(String uri) {
        Matcher m = SCHEME.matcher(uri);
        if (!m.find()) {
            throw new IllegalStateException("endpoint '" + uri + "': its component is not written out, so Camel K"
                    + " cannot know it; write the scheme literally (a placeholder may follow it)");
        }
        add("component", m.group(1), artifact(schema(() -> camel.getComponentParameterJsonSchema(m.group(1))), "component"));
    }

    private void dataFormat(String key, Object options) {
        if ("id".equals(key) || "description".equals(key)) {
            return;
        }
        String name = key;
        if ("json".equals(key)) {
            Object library = options instanceof Map<?, ?> o ? o.get("library") : null;
            name = library == null ? "jackson" : String.valueOf(library).toLowerCase();
        }
        String finalName = name;
        add("data format", name, artifact(schema(() -> camel.getDataFormatParameterJsonSchema(finalName)), "dataformat"));
    }

    private boolean language(String key) {
        String schema = schema(() -> camel.getLanguageParameterJsonSchema(key));
        if (schema != null) {
            add("language", key, artifact(schema, "language"));
        }
        return schema != null;
    }

    private void add(String what, String name, String artifact) {
        if (artifact == null) {
            throw new IllegalStateException("the routes use the " + what + " '" + name + "', which is not on the"
                    + " project's classpath: add its Camel artifact to the pom");
        }
        if (!CORE.contains(artifact)) {
            found.add("camel:" + artifact.substring("camel-".length()));
        }
    }

    private String artifact(String schema, String kind) {
        if (schema == null) {
            return null;
        }
        try {
            JsonNode node = json.readTree(schema).path(kind).path("artifactId");
            return node.isMissingNode() ? null : node.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface SchemaLookup {
        String get() throws IOException;
    }

    private static String schema(SchemaLookup lookup) {
        try {
            return lookup.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
