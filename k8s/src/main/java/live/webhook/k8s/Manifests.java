package live.webhook.k8s;

import static live.webhook.k8s.Yaml.map;
import static live.webhook.k8s.Yaml.mapOf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates every file under k8s/ that derives from routes/*.camel.yaml or application.properties, so
 * that the local run, the Camel K Integration, the Kamelet and the plain Deployment run one
 * definition of the routes; and, by {@link Monitoring}, the alerting rules and the dashboard of
 * k8s/monitoring from its thresholds. GeneratedManifestsTest fails when a committed file differs from what
 * this produces; {@value #REGENERATE} rewrites them.
 */
public final class Manifests {

    public static final String REGENERATE = "k8s/generate";
    static final String NAME = "tencent-live-webhook";
    static final String KAMELET = "tencent-live-metadata-source";
    /** The package of this project's classes, which the routes name as beans. */
    static final String PROJECT_PACKAGE = "live.webhook.";
    static final String INTEGRATION = "k8s/camel-k/integration.yaml";
    static final String PIPE = "k8s/kamelets/pipe-to-kafka/pipe.yaml";
    /** Everything in integration.yaml after this line is generated; everything before it is kept. */
    static final String MARKER = "  # ---- generated from routes/*.camel.yaml below this line; edit the routes, not this ----";
    static final String README = "k8s/README.md";
    static final String README_START = "<!-- generated: the kamel run command of k8s/camel-k/kamel-run.sh -->";
    static final String README_END = "<!-- end of generated -->";
    static final String GENERATED = "Generated from %s by `" + REGENERATE + "`: do not edit.";
    /** In the environment trait of the Integration and the Pipe, the variables between these two lines are generated. */
    static final String ENVIRONMENT_START = "# ---- generated from application.properties: Quarkus settings, which Quarkus reads from its environment only ----";
    static final String ENVIRONMENT_END = "# ---- end of generated ----";

    /** Camel K needs these although no endpoint names them: simple's map access (${body[Key]})
     *  is camel-bean, and the health probes are the observability services' endpoints. */
    static final List<String> INTEGRATION_EXTRA_DEPENDENCIES = List.of("camel:bean", "camel:observability-services");
    static final List<String> KAMELET_EXTRA_DEPENDENCIES = List.of("camel:bean");

    /**
     * camel-main's own settings, which mean nothing on Camel K's Camel Quarkus runtime: its HTTP server
     * and TLS (Quarkus serves HTTP; TLS ends at the ingress), its management server and metrics setup
     * (the observability services serve /observe/* on 9876), and its route loading and reloading (the
     * operator supplies the routes and redeploys on change; a missing routes/ directory fails start).
     */
    static final List<String> CAMEL_MAIN_ONLY_PREFIXES = List.of("camel.server.", "camel.ssl.",
            "camel.management.", "camel.metrics.", "camel.opentelemetry2.", "camel.main.routes-include-pattern", "camel.main.routes-reload-");
    static final Set<String> CAMEL_MAIN_ONLY_KEYS = Set.of();
    /**
     * camel-main settings whose value Camel Quarkus' HTTP server needs, and the Quarkus setting it
     * takes them as, given as an environment variable of the environment trait: on Camel K's
     * plain-quarkus runtime only Camel reads the mounted ConfigMap (camel.main.cloud-properties-location),
     * so a quarkus.* key there never reaches Quarkus, while Quarkus reads its environment.
     */
    static final Map<String, String> QUARKUS_ENVIRONMENT = Map.of(
            "camel.server.max-body-size", "QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE",
            // seconds; Quarkus reads a bare number as seconds
            "http.idle.timeout.seconds", "QUARKUS_HTTP_IDLE_TIMEOUT");

    record Parameter(String name, String title, String description, String example, boolean credential) {
    }

    /** Kamelet parameter names and texts for the route property keys; any other key gets a derived name. */
    static final Map<String, Parameter> PARAMETERS = new LinkedHashMap<>();

    static {
        parameter("tencent.sdkappid", new Parameter("sdkAppid", "SdkAppid",
                    "Comma-separated SdkAppid values accepted; a webhook naming any other (query parameter SdkAppid,"
                            + " matched case-insensitively) is refused with HTTP 403.", "1400000001", false));
        parameter("tencent.callback.token", new Parameter("callbackToken", "Callback Token",
                    "The webhook token set in Tencent Cloud's console. When set, every webhook must carry"
                            + " Sign = sha256hex(token + RequestTime) and a RequestTime within signMaxSkewSeconds of"
                            + " now (else HTTP 401); when empty, unsigned webhooks are accepted.", null, true));
        parameter("tencent.sign.max.skew.seconds", new Parameter("signMaxSkewSeconds", "Sign Max Skew Seconds",
                    "How far RequestTime may be from now, past or future, in seconds.", null, false));
        parameter("tencent.commands", new Parameter("commands", "Callback Commands",
                    "Comma-separated CallbackCommand values turned into events; a webhook with any other command is"
                            + " answered OK and emits nothing.", null, false));
        parameter("webhook.path", new Parameter("path", "Path",
                    "The HTTP path the webhook is served on (POST only).", null, false));
        parameter("max.body.bytes", new Parameter("maxBodyBytes", "Max Body Bytes",
                    "Largest accepted webhook body in bytes; a larger one is refused with HTTP 413.", null, false));
        parameter("cloudevents.enabled", new Parameter("cloudEventsEnabled", "CloudEvents Enabled",
                    "Whether each event carries the CloudEvents 1.0 attributes as ce_* headers (Kafka's binary content"
                            + " mode); the event body is the message either way.", null, false));
    }

    private static void parameter(String key, Parameter parameter) {
        PARAMETERS.put(key, parameter);
    }

    private static final Pattern PROPERTY_REFERENCE =
            Pattern.compile("\\{\\{([^{}:]+)(?::[^{}]*)?}}|\\$\\{properties:([^:}]+)(?::[^}]*)?}");

    private Manifests() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        write(root, generate(root));
    }

    static void write(Path root, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = root.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Repository-relative path -> content of every generated file. */
    public static Map<String, String> generate(Path root) {
        Routes routes = Routes.read(root);
        Settings settings = Settings.read(root.resolve("application.properties"));
        Map<String, String> files = new LinkedHashMap<>();
        String integrationHead = withQuarkusEnvironment(INTEGRATION, integrationHead(root), settings);
        String artifact = projectArtifact(root);
        List<String> integrationDependencies = integrationDependencies(routes, artifact);
        files.put(INTEGRATION, integrationHead + integrationTail(routes, integrationDependencies));
        files.put("k8s/camel-k/application.properties", camelKProperties(settings, routes));
        String kamelRun = kamelRun(integrationHead, integrationDependencies, routes, kafkaOverlayFlags(root));
        files.put("k8s/camel-k/kamel-run.sh", kamelRun);
        files.put(README, readme(root, kamelRun));
        files.put("k8s/kamelets/" + KAMELET + ".kamelet.yaml", kamelet(routes, settings, artifact));
        files.put(PIPE, withQuarkusEnvironment(PIPE, read(root, PIPE), settings));
        files.put("k8s/plain/routes-configmap.yaml", routesConfigMap(routes));
        files.put("k8s/plain/routes-checksum-patch.yaml", routesChecksumPatch(routes));
        // The alerting rules (two forms of one definition) and the dashboard, from their thresholds.
        files.putAll(Monitoring.generate(root));
        return files;
    }

    // --- Camel K Integration --------------------------------------------------------------------

    static String integrationHead(Path root) {
        String text = read(root, INTEGRATION);
        int at = text.indexOf(MARKER + "\n");
        if (at < 0) {
            throw new IllegalStateException(INTEGRATION + " lacks the line that starts its generated part:\n" + MARKER);
        }
        return text.substring(0, at + MARKER.length() + 1);
    }

    /** The environment variables Quarkus needs (QUARKUS_ENVIRONMENT), in place between the lines that mark them. */
    static String withQuarkusEnvironment(String file, String text, Settings settings) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.equals(ENVIRONMENT_START)) {
                start = i;
            } else if (line.equals(ENVIRONMENT_END) && start >= 0) {
                end = i;
                break;
            }
        }
        if (start < 0 || end < 0) {
            throw new IllegalStateException(file + " lacks, in the vars of its environment trait, the lines around the"
                    + " generated variables:\n" + ENVIRONMENT_START + "\n" + ENVIRONMENT_END);
        }
        String indent = lines.get(start).substring(0, lines.get(start).indexOf('#'));
        List<String> vars = new ArrayList<>();
        new java.util.TreeMap<>(QUARKUS_ENVIRONMENT).forEach((camelMain, variable) -> {
            Settings.Entry e = settings.entries.get(camelMain);
            if (e == null) {
                throw new IllegalStateException("application.properties lacks " + camelMain + ", which " + variable
                        + " is generated from");
            }
            vars.add(indent + "- " + variable + "=" + e.value() + "    # " + camelMain);
        });
        lines.subList(start + 1, end).clear();
        lines.addAll(start + 1, vars);
        return String.join("\n", lines);
    }

    private static String read(Path root, String file) {
        try {
            return Files.readString(root.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> integrationDependencies(Routes routes, String artifact) {
        Set<String> dependencies = new TreeSet<>(Dependencies.of(routes.items));
        dependencies.addAll(INTEGRATION_EXTRA_DEPENDENCIES);
        if (usesProjectClasses(routes.items)) {
            dependencies.add(artifact);
        }
        return new ArrayList<>(dependencies);
    }

    /**
     * This project's own artifact as a Camel K dependency, mvn:groupId:artifactId:version of pom.xml:
     * the jar of the classes the routes name as beans, which a platform team publishes to its own
     * Maven repository (k8s/README.md).
     */
    static String projectArtifact(Path root) {
        String pom = read(root, "pom.xml");
        // The project's own coordinates: the first of each element, before any parent or dependency.
        String head = pom.substring(0, pom.indexOf("<properties>"));
        return "mvn:" + element(head, "groupId") + ":" + element(head, "artifactId") + ":" + element(head, "version");
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalStateException("pom.xml has no " + name + " before <properties>");
        }
        return m.group(1).strip();
    }

    /** Whether a bean of the routes (or of a Kamelet template) is one of this project's classes. */
    static boolean usesProjectClasses(Object yaml) {
        if (yaml instanceof Map<?, ?> m) {
            Object type = m.get("type");
            if (type instanceof String t && t.replace("#class:", "").startsWith(PROJECT_PACKAGE)) {
                return true;
            }
            return m.values().stream().anyMatch(Manifests::usesProjectClasses);
        }
        if (yaml instanceof List<?> l) {
            return l.stream().anyMatch(Manifests::usesProjectClasses);
        }
        return false;
    }

    static String integrationTail(Routes routes, List<String> dependencies) {
        Map<String, Object> generated = mapOf("dependencies", dependencies, "flows", routes.items);
        return Yaml.indent(Yaml.dump(generated), 2);
    }

    /**
     * The traits each secured-Kafka overlay of the Integration (k8s/camel-k-kafka-NAME) adds, as kamel
     * run flags: its kustomization's JSON patch, whose ops add to /spec/traits/TRAIT/PROPERTY (a list
     * item, a list, or a value). Overlay folder -> flags, by folder name.
     */
    static Map<String, List<String>> kafkaOverlayFlags(Path root) {
        Map<String, List<String>> overlays = new java.util.TreeMap<>();
        Path k8s = root.resolve("k8s");
        if (!Files.isDirectory(k8s)) {
            return overlays;
        }
        try (var dirs = Files.list(k8s)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("camel-k-kafka-")).toList()) {
                String folder = "k8s/" + dir.getFileName();
                List<String> flags = new ArrayList<>();
                Map<String, Object> kustomization = map(Yaml.load(read(root, folder + "/kustomization.yaml")));
                for (Object patch : Yaml.list(kustomization.get("patches"))) {
                    Object ops = Yaml.load(String.valueOf(map(patch).get("patch")));
                    for (Object o : Yaml.list(ops)) {
                        Map<String, Object> op = map(o);
                        Matcher path = Pattern.compile("/spec/traits/([^/]+)/([^/]+)(/-)?").matcher(String.valueOf(op.get("path")));
                        if (!"add".equals(op.get("op")) || !path.matches()) {
                            throw new IllegalStateException(folder + ": only ops that add to /spec/traits/TRAIT/PROPERTY have a"
                                    + " kamel run flag, not " + op);
                        }
                        String flag = path.group(1) + "." + kebab(path.group(2));
                        List<Object> values = op.get("value") instanceof List<?> l && path.group(3) == null
                                ? new ArrayList<>(l) : List.of(op.get("value"));
                        values.forEach(v -> flags.add("-t " + shellWord(flag + "=" + v)));
                    }
                }
                overlays.put(folder, flags);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return overlays;
    }

    /** The same Integration as a kamel run command, from the route files and the hand-written traits. */
    static String kamelRun(String integrationHead, List<String> dependencies, Routes routes) {
        return kamelRun(integrationHead, dependencies, routes, Map.of());
    }

    /** The same, with each secured-Kafka overlay's flags in a comment, to give after the script's own. */
    static String kamelRun(String integrationHead, List<String> dependencies, Routes routes, Map<String, List<String>> kafkaOverlays) {
        Map<String, Object> head = map(Yaml.load(integrationHead));
        Map<String, Object> spec = map(head.get("spec"));
        List<String> args = new ArrayList<>();
        args.add("--name " + map(head.get("metadata")).get("name"));
        Map<String, Object> traits = map(spec.get("traits"));
        traits.forEach((trait, properties) -> map(properties).forEach((property, value) -> {
            String flag = trait + "." + kebab(property);
            if (value instanceof List<?> values) {
                values.forEach(v -> args.add("-t " + shellWord(flag + "=" + v)));
            } else if (value instanceof Map<?, ?>) {
                throw new IllegalStateException("trait " + flag + ": a map has no kamel run flag here; use a list or scalar");
            } else {
                args.add("-t " + shellWord(flag + "=" + value));
            }
        }));
        dependencies.forEach(d -> args.add("-d " + shellWord(d)));
        routes.files.keySet().forEach(f -> args.add("routes/" + f));
        StringBuilder sh = new StringBuilder();
        sh.append("#!/bin/sh\n");
        sh.append("# ").append(GENERATED.formatted(INTEGRATION + " (traits) and routes/*.camel.yaml")).append('\n');
        sh.append("# Runs the webhook receiver on Camel K straight from the route files, with the traits and\n");
        sh.append("# dependencies of ").append(INTEGRATION).append(". Run it from the repository root; extra\n");
        sh.append("# arguments go to kamel run (for example -n NAMESPACE).\n");
        if (!kafkaOverlays.isEmpty()) {
            sh.append("#\n");
            sh.append("# Secured Kafka (k8s/README.md): the traits an overlay of the Integration adds, as the extra\n");
            sh.append("# arguments that give this script's Integration the same (the Secrets they name must exist).\n");
            kafkaOverlays.forEach((folder, flags) -> {
                sh.append("#\n# ").append(folder).append(":\n");
                sh.append("#   sh k8s/camel-k/kamel-run.sh");
                flags.forEach(f -> sh.append(" \\\n#     ").append(f));
                sh.append('\n');
            });
        }
        sh.append("set -e\n");
        sh.append("cd \"$(dirname \"$0\")/../..\"\n");
        sh.append("exec ").append(kamelCommand(args)).append(" \"$@\"\n");
        return sh.toString();
    }

    /** k8s/README.md with the kamel run command of the script between its "generated" markers. */
    static String readme(Path root, String kamelRun) {
        String text = read(root, README);
        int start = text.indexOf(README_START);
        int end = text.indexOf(README_END);
        if (start < 0 || end < start) {
            throw new IllegalStateException(README + " lacks the lines around the kamel run command:\n"
                    + README_START + "\n" + README_END);
        }
        String command = kamelRun.substring(kamelRun.indexOf("exec kamel run") + "exec ".length(),
                kamelRun.lastIndexOf(" \"$@\""));
        return text.substring(0, start + README_START.length()) + "\n```sh\n" + command + "\n```\n" + text.substring(end);
    }

    static String kamelCommand(List<String> args) {
        return "kamel run " + String.join(" \\\n  ", args);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    // --- Camel K configuration (ConfigMap) -----------------------------------------------------

    static String camelKProperties(Settings settings, Routes routes) {
        Set<String> referenced = new LinkedHashSet<>();
        routes.files.values().forEach(text -> referenced.addAll(propertyReferences(text)));
        Map<String, Settings.Entry> kept = new LinkedHashMap<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Settings.Entry e : settings.entries.values()) {
                if (!kept.containsKey(e.key()) && !camelMainOnly(e.key())
                        && (e.key().startsWith("camel.") || referenced.contains(e.key()))) {
                    kept.put(e.key(), e);
                    referenced.addAll(propertyReferences(e.value()));
                    grew = true;
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# ").append(GENERATED.formatted("application.properties")).append('\n');
        out.append("#\n");
        out.append("# The ConfigMap of the Integration. Camel K mounts it under /etc/camel/conf.d/_configmaps/ and only\n");
        out.append("# Camel reads it (camel.main.cloud-properties-location): every key below is Camel's, the route\n");
        out.append("# settings and camel.*, and each applies on Camel K's Camel Quarkus runtime as in the local\n");
        out.append("# camel-main run. Quarkus never reads this file, so a quarkus.* key here would be ignored: the\n");
        out.append("# Quarkus settings are environment variables in the Integration's environment trait:\n");
        out.append("# ").append(String.join(", ", new java.util.TreeSet<>(QUARKUS_ENVIRONMENT.values()))).append(".\n");
        out.append("# camel-main's own settings are left out: the operator supplies the routes and redeploys on change\n");
        out.append("# (camel.main.routes-*), Quarkus serves the webhook on port 8080 (camel.server.*, camel.ssl.*: TLS\n");
        out.append("# ends at the ingress), and the observability services serve health and metrics on 9876\n");
        out.append("# (camel.management.*, camel.metrics.*) and trace over OTLP when QUARKUS_OTEL_SDK_DISABLED=false and\n");
        out.append("# QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT are set (camel.opentelemetry2.*); keys that only those\n");
        out.append("# settings used are dropped too.\n");
        out.append("# Environment variables (the environment trait) override any key here.\n");
        out.append('\n');
        for (Settings.Entry e : settings.entries.values()) {
            if (kept.containsKey(e.key())) {
                e.lead().forEach(l -> out.append(l).append('\n'));
                out.append(e.line()).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean camelMainOnly(String key) {
        return CAMEL_MAIN_ONLY_KEYS.contains(key) || CAMEL_MAIN_ONLY_PREFIXES.stream().anyMatch(key::startsWith);
    }

    static Set<String> propertyReferences(String text) {
        Set<String> keys = new LinkedHashSet<>();
        Matcher m = PROPERTY_REFERENCE.matcher(text);
        while (m.find()) {
            String key = (m.group(1) != null ? m.group(1) : m.group(2)).trim();
            keys.add(key);
        }
        return keys;
    }

    // --- Kamelet -------------------------------------------------------------------------------

    static String parameterName(String key) {
        Parameter p = PARAMETERS.get(key);
        if (p != null) {
            return p.name();
        }
        StringBuilder name = new StringBuilder();
        for (String part : key.split("[.\\-_]")) {
            if (part.isEmpty()) {
                continue;
            }
            name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name.toString();
    }

    static String kamelet(Routes routes, Settings settings, String artifact) {
        KameletTemplate t = KameletTemplate.build(routes, Manifests::parameterName);

        List<String> required = new ArrayList<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(PARAMETERS.keySet());
        keys.retainAll(t.propertyKeys);
        t.propertyKeys.stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        for (String key : keys) {
            Parameter known = PARAMETERS.get(key);
            Settings.Entry setting = settings.entries.get(key);
            String name = parameterName(key);
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("title", known != null ? known.title() : key);
            String description = known != null ? known.description()
                    : setting != null && !setting.comment().isEmpty() ? setting.comment() : "The route property " + key + ".";
            property.put("description", description + " (Route property " + key + ".)");
            String value = setting == null ? null : setting.value();
            String type = value != null && value.matches("-?\\d+") ? "integer"
                    : value != null && value.matches("true|false") ? "boolean" : "string";
            property.put("type", type);
            if (value == null || value.contains("{{")) {
                required.add(name);
            } else {
                property.put("default", "integer".equals(type) ? (Object) Long.valueOf(value)
                        : "boolean".equals(type) ? (Object) Boolean.valueOf(value) : value);
            }
            if (known != null && known.example() != null) {
                property.put("example", known.example());
            }
            if (known != null && known.credential()) {
                property.put("format", "password");
                property.put("x-descriptors", List.of("urn:camel:group:credentials"));
            }
            properties.put(name, property);
        }

        Set<String> dependencies = new TreeSet<>(Dependencies.of(t.template));
        dependencies.addAll(KAMELET_EXTRA_DEPENDENCIES);
        if (usesProjectClasses(t.template)) {
            dependencies.add(artifact);
        }

        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("title", "Tencent Cloud Live Room Metadata Source");
        definition.put("description", String.join("\n",
                "Receives the webhooks Tencent Cloud's live server (TUILiveKit) sends when a room's metadata is set",
                "(Live.CallbackAfterSetMetadata) or deleted (Live.CallbackAfterDelMetadata), on an HTTP endpoint",
                "(platform-http, POST, JSON). Each webhook is checked (SdkAppid, Sign when a callback token is set,",
                "command, body) and turned into one event per metadata key; the webhook is answered",
                "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0} once the sink took every event of it. A",
                "refused webhook emits nothing and is answered {\"ActionStatus\":\"FAIL\",...} with an ErrorCode whose",
                "first three digits are the HTTP status.",
                "",
                "The event (application/json) is",
                "{\"SdkAppid\":\"...\",\"CallbackCommand\":\"...\",\"RoomId\":\"...\",\"Key\":\"...\",\"Value\":\"...\",\"Operator_Account\":\"...\",\"EventTime\":...}",
                "with Value null for a deleted key. Headers:",
                "",
                "- `key`: [RoomId, Key] as a JSON array, the record key for Kafka sinks (compaction keeps the latest value of a key)",
                "",
                "- `RoomId`, `MetadataKey` (the Key), `CallbackCommand`: as text",
                "",
                "- CloudEvents 1.0 attributes as in Kafka's binary content mode (`ce_specversion`, `ce_id`, `ce_source`,",
                "  `ce_type`, `ce_time`, `ce_sdkappid`, `ce_roomid`; `ce_id` is the same for the same key delivered twice),",
                "  unless cloudEventsEnabled is false",
                "",
                "- `traceparent`, `tracestate`: the webhook's W3C trace context, continued, or a new trace",
                "",
                "The contract, a JSON Schema of the event and an AsyncAPI 3 document of the webhook and the Kafka",
                "topic, is src/main/contract/ in the service's repository.",
                "",
                "The routes of this Kamelet are generated from the service's routes/*.camel.yaml; its parameters are",
                "the service's settings of the same meaning."));
        definition.put("required", required);
        definition.put("type", "object");
        definition.put("properties", properties);

        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("camel.apache.org/kamelet.support.level", "Preview");
        annotations.put("camel.apache.org/catalog.version", "4.18.0");
        annotations.put("camel.apache.org/provider", "Tencent live webhook receiver");
        annotations.put("camel.apache.org/kamelet.group", "Tencent Cloud");
        annotations.put("camel.apache.org/kamelet.namespace", "Cloud");

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("definition", definition);
        spec.put("dataTypes", mapOf("out", mapOf("default", "json", "types",
                mapOf("json", mapOf("format", "application-json", "mediaType", "application/json")))));
        spec.put("dependencies", new ArrayList<>(dependencies));
        spec.put("template", t.template);

        Map<String, Object> kamelet = new LinkedHashMap<>();
        kamelet.put("apiVersion", "camel.apache.org/v1");
        kamelet.put("kind", "Kamelet");
        kamelet.put("metadata", mapOf("name", KAMELET, "annotations", annotations,
                "labels", mapOf("camel.apache.org/kamelet.type", "source")));
        kamelet.put("spec", spec);
        return "# " + GENERATED.formatted("routes/*.camel.yaml and application.properties") + "\n" + Yaml.dump(kamelet);
    }

    // --- plain Kubernetes --------------------------------------------------------------------

    /** The route files, byte for byte, as a ConfigMap mounted over the image's /app/routes. */
    static String routesConfigMap(Routes routes) {
        StringBuilder out = new StringBuilder();
        out.append("# ").append(GENERATED.formatted("routes/*.camel.yaml")).append('\n');
        out.append("# In the cluster, edit it with kubectl edit configmap ").append(NAME).append("-routes, then\n");
        out.append("# kubectl rollout restart statefulset ").append(NAME).append(" (the routes are read at start).\n");
        out.append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ").append(NAME).append("-routes\n");
        out.append("  labels:\n    app.kubernetes.io/name: ").append(NAME).append('\n');
        out.append("data:\n");
        routes.files.forEach((file, text) -> {
            if (text.contains("\r") || text.contains("\t")) {
                throw new IllegalStateException("routes/" + file + ": CR or tab characters do not survive a YAML block");
            }
            String chomp = text.endsWith("\n\n") ? "+" : text.endsWith("\n") ? "" : "-";
            String indentIndicator = text.startsWith(" ") ? "4" : "";
            out.append("  ").append(file).append(": |").append(indentIndicator).append(chomp).append('\n');
            String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            for (String line : body.split("\n", -1)) {
                out.append(line.isEmpty() ? "" : "    " + line).append('\n');
            }
        });
        return out.toString();
    }

    /** A pod-template annotation that changes with the routes, so that kubectl apply -k rolls the pods. */
    static String routesChecksumPatch(Routes routes) {
        return "# " + GENERATED.formatted("routes/*.camel.yaml") + "\n"
                + "# The checksum changes with the routes, so that kubectl apply -k restarts the pods on new routes.\n"
                + "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + NAME + "\n"
                + "spec:\n  template:\n    metadata:\n      annotations:\n"
                + "        " + NAME + "/routes-sha256: \"" + checksum(routes) + "\"\n";
    }

    static String checksum(Routes routes) {
        return digest(routes.files);
    }

    /** SHA-256 of file names and texts, in the map's order: changes when any name or text does. */
    static String digest(Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, text) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(text.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
