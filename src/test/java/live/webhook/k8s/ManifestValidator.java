package live.webhook.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Checks Kubernetes manifests offline, strictly: unknown fields fail.
 * <ul>
 * <li>Camel K objects (Integration, Kamelet, Pipe) against the openAPIV3Schema of the Camel K 2.10.1 CRDs
 * in src/test/resources/camel-k-v2.10.1, and the prometheus-operator's (PrometheusRule, PodMonitor,
 * ServiceMonitor) against its v0.93.0 CRDs in src/test/resources/prometheus-operator-v0.93.0, made strict the
 * way the API server's field validation is (an object schema with properties admits no others, unless it
 * preserves unknown fields); their metadata against the Kubernetes model.</li>
 * <li>Integration flows and a Kamelet's template against the Camel YAML DSL schema in camel-yaml-dsl.</li>
 * <li>A Pipe's properties against the Kamelets it names, of k8s/kamelets or of the Apache Camel Kamelets
 * catalogue (camel-kamelets, a test dependency).</li>
 * <li>Every other object against fabric8's Kubernetes model, with its catch-all additionalProperties
 * switched off and no type coercion, so a misspelt or misplaced field fails.</li>
 * </ul>
 */
final class ManifestValidator {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path CRDS = ROOT.resolve(System.getProperty("k8s.schemas", "src/test/resources/camel-k-v2.10.1")).normalize();
    static final Path MONITORING_CRDS = ROOT.resolve(System.getProperty("k8s.monitoring.schemas",
            "src/test/resources/prometheus-operator-v0.93.0")).normalize();
    /** The API groups whose objects are checked against the CRDs above rather than fabric8's model. */
    static final List<String> CRD_GROUPS = List.of("camel.apache.org/", "monitoring.coreos.com/");

    static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE; // fabric8's additionalProperties would swallow any unknown field
                }

                @Override
                public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
                    return super.findPropertyIgnoralByName(config, a).withoutIgnoreUnknown();
                }
            })
            .build();

    private final Map<String, Schema> crdSchemas = new HashMap<>();
    private final Schema yamlDsl;
    private final Map<String, Class<?>> models = new HashMap<>();
    private final Map<String, JsonNode> kamelets = new HashMap<>();

    ManifestValidator() {
        SchemaRegistry openApi = SchemaRegistry.withDialect(Dialects.getOpenApi30());
        for (Path dir : List.of(CRDS, MONITORING_CRDS)) {
            loadCrds(openApi, dir);
        }
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            yamlDsl = SchemaRegistry.withDialect(Dialects.getDraft4()).getSchema(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (KubernetesResource resource : ServiceLoader.load(KubernetesResource.class)) {
            Class<?> type = resource.getClass();
            if (HasMetadata.class.isAssignableFrom(type)) {
                @SuppressWarnings("unchecked")
                Class<? extends HasMetadata> h = (Class<? extends HasMetadata>) type;
                models.put(HasMetadata.getApiVersion(h) + "/" + HasMetadata.getKind(h), type);
            }
        }
        try (Stream<Path> files = Files.list(ROOT.resolve("k8s/kamelets"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".kamelet.yaml")).toList()) {
                JsonNode kamelet = YAML.readTree(file.toFile());
                kamelets.put(kamelet.path("metadata").path("name").asText(), kamelet);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void loadCrds(SchemaRegistry openApi, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no CRDs at " + dir + " (set -Dk8s.schemas=DIR or -Dk8s.monitoring.schemas=DIR)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                JsonNode crd = YAML.readTree(file.toFile());
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    JsonNode schema = strict(version.path("schema").path("openAPIV3Schema").deepCopy());
                    crdSchemas.put(group + "/" + version.path("name").asText() + "/" + kind, openApi.getSchema(schema));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Object schemas with properties admit no other property, unless they preserve unknown fields. */
    static JsonNode strict(JsonNode schema) {
        if (!(schema instanceof ObjectNode o)) {
            return schema;
        }
        boolean preserve = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (o.has("properties") && !o.has("additionalProperties") && !preserve) {
            o.put("additionalProperties", false);
        }
        // Walk the subschemas only: the keys of "properties" are field names, not keywords.
        o.path("properties").elements().forEachRemaining(ManifestValidator::strict);
        strict(o.path("items"));
        strict(o.path("additionalProperties"));
        strict(o.path("not"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            o.path(combinator).elements().forEachRemaining(ManifestValidator::strict);
        }
        return schema;
    }

    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try {
            Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml));
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** Problems found in one manifest; empty when it is valid. */
    List<String> validate(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        String what = kind + " " + doc.path("metadata").path("name").asText();
        List<String> problems = new ArrayList<>();
        if (CRD_GROUPS.stream().anyMatch(apiVersion::startsWith)) {
            Schema schema = crdSchemas.get(apiVersion + "/" + kind);
            if (schema == null) {
                return List.of(what + ": no CRD for " + apiVersion + " " + kind + " in " + CRDS + " or " + MONITORING_CRDS);
            }
            schema.validate(doc).forEach(e -> problems.add(what + ": " + message(e)));
            problems.addAll(strictModel(what + " metadata", doc.path("metadata"), ObjectMeta.class));
            switch (kind) {
                case "Integration" -> {
                    if (doc.path("spec").has("flows")) {
                        yamlDsl.validate(doc.path("spec").path("flows")).forEach(e -> problems.add(what + " flows: " + message(e)));
                    }
                }
                case "Kamelet" -> {
                    ObjectNode template = ((ObjectNode) doc.path("spec").path("template")).deepCopy();
                    template.put("id", doc.path("metadata").path("name").asText());
                    ArrayNode routes = JsonNodeFactory.instance.arrayNode();
                    routes.addObject().set("routeTemplate", template);
                    yamlDsl.validate(routes).forEach(e -> problems.add(what + " template: " + message(e)));
                }
                case "Pipe" -> problems.addAll(pipeProperties(what, doc));
                default -> {
                }
            }
            return problems;
        }
        Class<?> model = models.get(apiVersion + "/" + kind);
        if (model == null) {
            return List.of(what + ": no Kubernetes model class for " + apiVersion + " " + kind);
        }
        return strictModel(what, doc, model);
    }

    /**
     * A Pipe's source and sink properties, where they name a Kamelet: known, complete, and one of
     * the property's enum values where it has them. The Kamelet is one of k8s/kamelets or of the
     * Apache Camel Kamelets catalogue on the test classpath (the version the pom names); a Kamelet
     * in neither is a problem, as it would be a Pipe the operator cannot run.
     */
    private List<String> pipeProperties(String what, JsonNode pipe) {
        List<String> problems = new ArrayList<>();
        for (String end : List.of("source", "sink")) {
            JsonNode endpoint = pipe.path("spec").path(end);
            JsonNode ref = endpoint.path("ref");
            if (!"Kamelet".equals(ref.path("kind").asText())) {
                continue;
            }
            String name = ref.path("name").asText();
            JsonNode kamelet = kamelets.containsKey(name) ? kamelets.get(name) : catalogueKamelet(name);
            if (kamelet == null) {
                problems.add(what + " " + end + ": Kamelet " + name + " is neither in k8s/kamelets nor in the Apache Camel"
                        + " Kamelets catalogue");
                continue;
            }
            JsonNode definition = kamelet.path("spec").path("definition");
            endpoint.path("properties").fields().forEachRemaining(p -> {
                JsonNode property = definition.path("properties").path(p.getKey());
                if (property.isMissingNode()) {
                    problems.add(what + " " + end + ": Kamelet " + name + " has no property " + p.getKey());
                    return;
                }
                String value = p.getValue().asText();
                List<String> allowed = new ArrayList<>();
                property.path("enum").forEach(v -> allowed.add(v.asText()));
                if (!allowed.isEmpty() && !value.contains("{{") && !allowed.contains(value)) {
                    problems.add(what + " " + end + ": " + p.getKey() + " of Kamelet " + name + " is one of " + allowed
                            + ", not " + value);
                }
            });
            definition.path("required").forEach(r -> {
                if (!endpoint.path("properties").has(r.asText())) {
                    problems.add(what + " " + end + ": required property " + r.asText() + " is not set");
                }
            });
        }
        return problems;
    }

    /** A Kamelet of the Apache Camel Kamelets catalogue (camel-kamelets on the test classpath), or null. */
    static JsonNode catalogueKamelet(String name) {
        try (InputStream in = ManifestValidator.class.getClassLoader().getResourceAsStream("kamelets/" + name + ".kamelet.yaml")) {
            return in == null ? null : YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strictModel(String what, JsonNode node, Class<?> model) {
        try {
            STRICT.treeToValue(node, model);
            return List.of();
        } catch (IOException | IllegalArgumentException e) {
            return List.of(what + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String message(Error e) {
        return e.getInstanceLocation() + " " + e.getMessage();
    }
}
