package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every manifest under k8s/, as committed, is valid; and the validation does catch mistakes. */
class ManifestsTest {

    static final Path K8S = ManifestValidator.ROOT.resolve("k8s");
    /**
     * The Apache Camel that a Quarkus Platform release's quarkus-camel-bom names (through its Camel
     * Quarkus), for the releases of the 4.18 line: Platform 3.32.1 to 3.32.4, 3.33.1 and 3.34.x name
     * Camel Quarkus 3.32.0 or 3.33.0 (Camel 4.18.0); 3.33.2 names Camel Quarkus 3.33.1 (Camel 4.18.2).
     */
    static final Map<String, String> CAMEL_OF_QUARKUS_PLATFORM = Map.of(
            "3.32.4", "4.18.0", "3.33.1", "4.18.0", "3.33.2", "4.18.2", "3.34.7", "4.18.0");
    static ManifestValidator validator;

    @BeforeAll
    static void load() {
        validator = new ManifestValidator();
    }

    static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !isPrometheusRulesFile(f))
                    .sorted().toList();
        }
    }

    /** A plain Prometheus rules file of k8s/monitoring: no Kubernetes object; promtool checks it (PromtoolTest). */
    static boolean isPrometheusRulesFile(Path file) {
        return file.getFileName().toString().endsWith(".rules.yaml");
    }

    static JsonNode one(String relative) throws IOException {
        List<JsonNode> docs = ManifestValidator.documents(Files.readString(K8S.resolve(relative), StandardCharsets.UTF_8));
        assertThat(docs).hasSize(1);
        return docs.get(0);
    }

    @Test
    void everyManifestFileIsValid() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> kinds = new TreeSet<>();
        for (Path file : manifestFiles()) {
            for (JsonNode doc : ManifestValidator.documents(Files.readString(file, StandardCharsets.UTF_8))) {
                kinds.add(doc.path("kind").asText());
                validator.validate(doc).forEach(p -> problems.add(K8S.relativize(file) + ": " + p));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(kinds).contains("Integration", "Kamelet", "Pipe", "StatefulSet", "Service", "ConfigMap",
                "Secret", "PodDisruptionBudget", "PrometheusRule", "PodMonitor");
    }

    @Test
    void everyFolderHasAKustomization() throws IOException {
        try (Stream<Path> dirs = Files.walk(K8S)) {
            List<Path> withManifests = dirs.filter(Files::isDirectory).filter(d -> {
                try (Stream<Path> files = Files.list(d)) {
                    return files.anyMatch(f -> f.toString().endsWith(".yaml"));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(withManifests).isNotEmpty().allSatisfy(d -> assertThat(d.resolve("kustomization.yaml")).exists());
        }
    }

    // --- the validation catches mistakes --------------------------------------------------------

    @Test
    void aMisspeltTraitPropertyFails() throws IOException {
        ObjectNode integration = (ObjectNode) one("camel-k/integration.yaml");
        ((ObjectNode) integration.path("spec").path("traits").path("health")).put("livenesProbe", "/x");
        assertThat(validator.validate(integration)).anySatisfy(p -> assertThat(p).contains("livenesProbe"));
    }

    @Test
    void anUnknownRuntimeProviderFails() throws IOException {
        ObjectNode integration = (ObjectNode) one("camel-k/integration.yaml");
        ((ObjectNode) integration.path("spec").path("traits").path("camel")).put("runtimeProvider", "spring-boot");
        assertThat(validator.validate(integration)).isNotEmpty();
    }

    @Test
    void aFlowThatIsNotCamelYamlDslFails() throws IOException {
        ObjectNode integration = (ObjectNode) one("camel-k/integration.yaml");
        ObjectNode route = (ObjectNode) integration.path("spec").path("flows").get(0);
        route.putObject("rout").put("id", "typo");
        assertThat(validator.validate(integration)).anySatisfy(p -> assertThat(p).contains("flows"));
    }

    @Test
    void aKameletTemplateStepThatIsNotCamelYamlDslFails() throws IOException {
        ObjectNode kamelet = (ObjectNode) one("kamelets/" + Manifests.KAMELET + ".kamelet.yaml");
        ((com.fasterxml.jackson.databind.node.ArrayNode) kamelet.path("spec").path("template").path("from").path("steps"))
                .addObject().putObject("sendTo").put("uri", "log:x");
        assertThat(validator.validate(kamelet)).anySatisfy(p -> assertThat(p).contains("template"));
    }

    @Test
    void aPipePropertyTheKameletLacksFails() throws IOException {
        ObjectNode pipe = (ObjectNode) one("kamelets/pipe-to-kafka/pipe.yaml");
        ((ObjectNode) pipe.path("spec").path("source").path("properties")).put("sdkAppId", "1");
        ((ObjectNode) pipe.path("spec").path("source").path("properties")).remove("sdkAppid");
        assertThat(validator.validate(pipe))
                .anySatisfy(p -> assertThat(p).contains("no property sdkAppId"))
                .anySatisfy(p -> assertThat(p).contains("required property sdkAppid"));
    }

    /**
     * The sink is the catalogue's kafka-sink, checked like a Kamelet of ours: a Kamelet the catalogue
     * of Camel 4.18 no longer has, a property it lacks, or a value outside its enum fails.
     */
    @Test
    void aPipeSinkOrSinkPropertyTheCatalogueLacksFails() throws IOException {
        ObjectNode pipe = (ObjectNode) one("kamelets/pipe-to-kafka/pipe.yaml");
        assertThat(validator.validate(pipe)).isEmpty();
        ObjectNode sink = (ObjectNode) pipe.path("spec").path("sink");
        ((ObjectNode) sink.path("properties")).put("saslAuthType", "SCRAM-SHA-512").put("user", "u");
        assertThat(validator.validate(pipe))
                .anySatisfy(p -> assertThat(p).contains("saslAuthType", "SCRAM_SHA_512", "not SCRAM-SHA-512"))
                .anySatisfy(p -> assertThat(p).contains("no property user"));
        ((ObjectNode) sink.path("ref")).put("name", "kafka-not-secured-sink");
        assertThat(validator.validate(pipe)).anySatisfy(p -> assertThat(p).contains("kafka-not-secured-sink", "neither"));
    }

    @Test
    void aMisspeltOrMisplacedStatefulSetFieldFails() throws IOException {
        ObjectNode deployment = (ObjectNode) one("plain/statefulset.yaml");
        ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
        container.put("imagePullPolicyy", "Always");
        assertThat(validator.validate(deployment)).anySatisfy(p -> assertThat(p).contains("imagePullPolicyy"));

        ObjectNode misplaced = (ObjectNode) one("plain/statefulset.yaml");
        ((ObjectNode) misplaced.path("spec")).put("readOnlyRootFilesystem", true);
        assertThat(validator.validate(misplaced)).anySatisfy(p -> assertThat(p).contains("readOnlyRootFilesystem"));
    }

    @Test
    void aWronglyTypedFieldFails() throws IOException {
        ObjectNode deployment = (ObjectNode) one("plain/statefulset.yaml");
        ((ObjectNode) deployment.path("spec")).put("replicas", "2");
        assertThat(validator.validate(deployment)).isNotEmpty();
    }

    @Test
    void aMisspeltOrMistypedPodMonitorFieldFails() throws IOException {
        ObjectNode monitor = (ObjectNode) one("monitoring/podmonitor-plain.yaml");
        assertThat(validator.validate(monitor)).isEmpty();
        ((ObjectNode) monitor.path("spec").path("podMetricsEndpoints").get(0)).put("pat", "/observe/metrics");
        assertThat(validator.validate(monitor)).anySatisfy(p -> assertThat(p).contains("pat"));

        ObjectNode mistyped = (ObjectNode) one("monitoring/podmonitor-camel-k.yaml");
        ((ObjectNode) mistyped.path("spec").path("podMetricsEndpoints").get(0)).put("portNumber", "9876");
        assertThat(validator.validate(mistyped)).isNotEmpty();
    }

    @Test
    void aPrometheusRuleWithAnUnknownFieldOrABadDurationFails() throws IOException {
        ObjectNode rule = (ObjectNode) one("monitoring/prometheus-rule.yaml");
        assertThat(validator.validate(rule)).isEmpty();
        ObjectNode first = (ObjectNode) rule.path("spec").path("groups").get(0).path("rules").get(0);
        first.put("severity", "warning");
        assertThat(validator.validate(rule)).anySatisfy(p -> assertThat(p).contains("severity"));

        ObjectNode badFor = (ObjectNode) one("monitoring/prometheus-rule.yaml");
        ((ObjectNode) badFor.path("spec").path("groups").get(0).path("rules").get(0)).put("for", "5 minutes");
        assertThat(validator.validate(badFor)).isNotEmpty();
    }

    @Test
    void anUnknownMetadataFieldOfACamelKObjectFails() throws IOException {
        ObjectNode kamelet = (ObjectNode) one("kamelets/" + Manifests.KAMELET + ".kamelet.yaml");
        ((ObjectNode) kamelet.path("metadata")).put("label", "x");
        assertThat(validator.validate(kamelet)).anySatisfy(p -> assertThat(p).contains("label"));
    }

    // --- what the issue asks of the manifests --------------------------------------------------

    @Test
    void integrationRunsOnCamelQuarkusOfCamel418WithHealthServiceAndMounts() throws IOException {
        JsonNode traits = one("camel-k/integration.yaml").path("spec").path("traits");
        assertThat(traits.path("camel").path("runtimeProvider").asText()).isEqualTo("plain-quarkus");
        // For plain-quarkus a Quarkus Platform release, whose quarkus-camel-bom names the Camel the
        // cluster runs: the same as camel-main's (pom.xml camel.version), one Camel for both.
        String platform = traits.path("camel").path("runtimeVersion").asText();
        assertThat(CAMEL_OF_QUARKUS_PLATFORM).as("the Camel of Quarkus Platform %s", platform).containsKey(platform);
        assertThat(CAMEL_OF_QUARKUS_PLATFORM.get(platform)).isEqualTo(System.getProperty("camel.version"));
        assertThat(one("kamelets/pipe-to-kafka/pipe.yaml").path("spec").path("traits")
                .path("camel").path("runtimeVersion").asText()).as("the Pipe's runtime").isEqualTo(platform);
        JsonNode health = traits.path("health");
        for (String probe : List.of("liveness", "readiness", "startup")) {
            assertThat(health.path(probe + "ProbeEnabled").asBoolean()).as(probe).isTrue();
            assertThat(health.path(probe + "Probe").asText()).as(probe).startsWith("/observe/health/");
            assertThat(health.path(probe + "Port").asInt()).as(probe).isEqualTo(9876);
        }
        assertThat(traits.path("service").path("enabled").asBoolean()).isTrue();
        assertThat(traits.path("mount").path("configs")).extracting(JsonNode::asText)
                .containsExactly("configmap:tencent-live-webhook-config", "secret:tencent-live-webhook");
    }

    @Test
    void integrationDeclaresEveryComponentOfTheRoutes() throws IOException {
        JsonNode spec = one("camel-k/integration.yaml").path("spec");
        List<String> dependencies = new ArrayList<>();
        spec.path("dependencies").forEach(d -> dependencies.add(d.asText()));
        Set<String> schemes = new TreeSet<>();
        collectSchemes(spec.path("flows"), schemes);
        assertThat(schemes).contains("platform-http", "direct");
        for (String scheme : schemes) {
            assertThat(dependencies).as("dependency of %s:", scheme).contains("camel:" + scheme);
        }
        assertThat(dependencies).contains("camel:jackson", "camel:bean", "camel:observability-services");
    }

    static void collectSchemes(JsonNode node, Set<String> schemes) {
        node.fields().forEachRemaining(e -> {
            if (Set.of("uri", "to").contains(e.getKey()) && e.getValue().isTextual()) {
                schemes.add(e.getValue().asText().split(":", 2)[0]);
            }
        });
        node.elements().forEachRemaining(child -> collectSchemes(child, schemes));
    }

    @Test
    void plainStatefulSetIsLockedDownAndProbedOnTheManagementPort() throws IOException {
        JsonNode pod = one("plain/statefulset.yaml").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/ready");
        assertThat(container.path("startupProbe").path("httpGet").path("port").asText()).isEqualTo("management");
        assertThat(container.path("ports")).anySatisfy(p -> assertThat(p.path("containerPort").asInt()).isEqualTo(9876));
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
        // routes/, data/ (file sink, spool: the claim) and /tmp, under the image's working directory /app.
        assertThat(mounts).contains("/app/routes", "/app/data", "/tmp");
    }

    @Test
    void aMisspeltVolumeClaimTemplateFieldFails() throws IOException {
        ObjectNode statefulSet = (ObjectNode) one("plain/statefulset.yaml");
        ((ObjectNode) statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("spec")).put("accessMode", "ReadWriteOnce");
        assertThat(validator.validate(statefulSet)).anySatisfy(p -> assertThat(p).contains("accessMode"));
    }

    /**
     * The plain form keeps the spool on a claim of each pod's own: SPOOL_DIR is under the mount of a
     * volumeClaimTemplate (not an emptyDir, not the read-only root), its Service is headless, the
     * readiness probe is the management port's /observe/health/ready, and the grace period covers
     * camel.main.shutdown-timeout.
     */
    @Test
    void theStatefulSetsSpoolIsOnItsClaimAndItsProbesAndShutdownAgreeWithTheSettings() throws IOException {
        JsonNode statefulSet = one("plain/statefulset.yaml");
        JsonNode spec = statefulSet.path("spec");
        JsonNode pod = spec.path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Settings settings = Settings.read(ManifestValidator.ROOT.resolve("application.properties"));

        List<String> claims = new ArrayList<>();
        spec.path("volumeClaimTemplates").forEach(t -> {
            claims.add(t.path("metadata").path("name").asText());
            assertThat(t.path("spec").path("accessModes")).extracting(JsonNode::asText).containsExactly("ReadWriteOnce");
        });
        assertThat(claims).containsExactly("data");
        // A claim template is a volume of the pod by its name; no volume of the pod may shadow it.
        pod.path("volumes").forEach(v -> assertThat(v.path("name").asText()).isNotIn(claims));
        String spoolDir = env(container, "SPOOL_DIR");
        assertThat(spoolDir).as("SPOOL_DIR, absolute").startsWith("/");
        JsonNode spoolMount = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            String path = mount.path("mountPath").asText();
            if (spoolDir.equals(path) || spoolDir.startsWith(path + "/")) {
                spoolMount = mount;
            }
        }
        assertThat(spoolMount).as("the volume mount SPOOL_DIR %s is on", spoolDir).isNotNull();
        assertThat(spoolMount.path("name").asText()).isIn(claims);
        assertThat(spoolMount.path("readOnly").asBoolean(false)).isFalse();

        // The governing Service exists and is headless.
        JsonNode headless = one("plain/service-headless.yaml");
        assertThat(headless.path("metadata").path("name").asText()).isEqualTo(spec.path("serviceName").asText());
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(headless.path("spec").path("selector")).isEqualTo(spec.path("selector").path("matchLabels"));

        // Readiness (the spool's writability, and DOWN while stopping) on the management port.
        JsonNode readiness = container.path("readinessProbe").path("httpGet");
        assertThat(readiness.path("path").asText()).isEqualTo("/observe/health/ready");
        String port = readiness.path("port").asText();
        JsonNode management = null;
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port)) {
                management = p;
            }
        }
        assertThat(management).as("container port %s", port).isNotNull();
        assertThat(management.path("containerPort").asText()).isEqualTo(settings.entries.get("management.port").value());
        assertThat(env(container, "MANAGEMENT_PORT")).isNull();

        // Shutdown: Camel's timeout, then time for the JVM to exit, before Kubernetes' SIGKILL.
        long shutdownTimeout = Long.parseLong(settings.entries.get("camel.main.shutdown-timeout").value());
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThanOrEqualTo(shutdownTimeout + 10);

        // Never every replica away at once: one at a time on update, and the budget.
        assertThat(spec.path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(spec.path("updateStrategy").path("type").asText()).isEqualTo("RollingUpdate");
        JsonNode pdb = one("plain/pdb.yaml").path("spec");
        assertThat(pdb.path("minAvailable").asInt()).isBetween(1, spec.path("replicas").asInt() - 1);
        assertThat(pdb.path("selector")).isEqualTo(spec.path("selector"));
        assertThat(spec.path("persistentVolumeClaimRetentionPolicy").path("whenScaled").asText()).isEqualTo("Retain");
    }

    static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    /**
     * Camel K: the spool on a PersistentVolumeClaim of the mount trait, at the path SPOOL_DIR names;
     * one replica, replaced by Recreate, so two pods never drain that one claim.
     */
    @Test
    void theIntegrationsSpoolIsOnAClaimOfOneReplica() throws IOException {
        JsonNode spec = one("camel-k/integration.yaml").path("spec");
        JsonNode traits = spec.path("traits");
        List<String> volumes = new ArrayList<>();
        traits.path("mount").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).hasSize(1);
        String[] volume = volumes.get(0).split(":");
        assertThat(volume).as("name:path:size:accessMode").hasSizeGreaterThanOrEqualTo(4);
        assertThat(volume[3]).isEqualTo("ReadWriteOnce");
        assertThat(traits.path("mount").has("emptyDirs")).isFalse();
        List<String> vars = new ArrayList<>();
        traits.path("environment").path("vars").forEach(v -> vars.add(v.asText()));
        assertThat(vars).anySatisfy(v -> assertThat(v).startsWith("SPOOL_DIR=" + volume[1] + "/"));
        assertThat(spec.path("replicas").asInt()).isEqualTo(1);
        assertThat(traits.path("deployment").path("strategy").asText()).isEqualTo("Recreate");
        assertThat(traits.path("health").path("readinessProbe").asText()).isEqualTo("/observe/health/ready");
    }

    @Test
    void routesConfigMapHoldsTheRouteFilesByteForByte() throws IOException {
        JsonNode data = one("plain/routes-configmap.yaml").path("data");
        Routes routes = Routes.read(ManifestValidator.ROOT);
        assertThat(data.size()).isEqualTo(routes.files.size());
        routes.files.forEach((file, text) -> assertThat(data.path(file).asText()).as(file).isEqualTo(text));
    }

    /**
     * No password is written in any file under k8s/: an environment variable, a Pipe property, a
     * configMapGenerator literal, an environment trait variable (also inside kustomize's inline
     * patches), a kamel flag or a properties key whose name says password is empty, a Secret's key
     * (secretKeyRef, {@code secret:NAME/KEY}), a variable the pod gets from one ({@code {{env:...}}}),
     * a placeholder of a template ({@code <...>}) or another setting ({@code {{...}}}).
     */
    @Test
    void noPasswordIsWrittenInAnyFileUnderK8s() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> all = Files.walk(K8S)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String where = K8S.relativize(file).toString();
            if (name.endsWith(".yaml")) {
                for (Object doc : Yaml.loadAll(text)) {
                    passwords(doc, where, found);
                }
            } else if (name.endsWith(".properties")) {
                Settings.parse(text).entries.values().stream()
                        .filter(e -> e.key().toLowerCase(java.util.Locale.ROOT).contains("password"))
                        .filter(e -> !isNoPassword(e.value()))
                        .forEach(e -> found.add(where + ": " + e.key()));
            } else if (name.endsWith(".sh")) {
                java.util.regex.Matcher m = PASSWORD_ASSIGNMENT.matcher(text);
                while (m.find()) {
                    if (!isNoPassword(m.group(2))) {
                        found.add(where + ": " + m.group(1));
                    }
                }
            }
        }
        assertThat(found).isEmpty();
        // It does look: a literal in a variable, a property, or a patch's trait variable is found.
        List<String> planted = new ArrayList<>();
        passwords(Yaml.load("""
                env: [{name: KAFKA_SASL_PASSWORD, value: hunter2}]
                properties: {saslPassword: hunter2, saslUsername: u}
                patches: [{patch: "- op: add\\n  path: /spec/traits/environment/vars/-\\n  value: KAFKA_SASL_PASSWORD=hunter2"}]
                """), "planted", planted);
        assertThat(planted).hasSize(3);
    }

    private static final java.util.regex.Pattern PASSWORD_ASSIGNMENT =
            java.util.regex.Pattern.compile("(?i)\\b([a-z0-9_.]*password[a-z0-9_.]*)[=:]\\s*([^\\s'\"]*)");

    /** Whether a value is no password itself: empty, a Secret's key, the environment, a setting or a template's placeholder. */
    static boolean isNoPassword(String value) {
        String v = value.strip();
        return v.isEmpty() || v.startsWith("secret:") || v.startsWith("{{") && v.endsWith("}}") || v.startsWith("<") && v.endsWith(">");
    }

    @SuppressWarnings("unchecked")
    static void passwords(Object node, String where, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            Object name = map.get("name");
            if (name instanceof String n && n.toLowerCase(java.util.Locale.ROOT).contains("password") && map.containsKey("value")
                    && !isNoPassword(String.valueOf(map.get("value")))) {
                found.add(where + ": variable " + n);
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.toLowerCase(java.util.Locale.ROOT).contains("password") && !(e.getValue() instanceof Map || e.getValue() instanceof List)
                        && !isNoPassword(String.valueOf(e.getValue()))) {
                    found.add(where + ": " + key);
                }
                // kustomize's inline patches are YAML in a string.
                if (key.equals("patch") && e.getValue() instanceof String patch) {
                    Yaml.loadAll(patch).forEach(p -> passwords(p, where + " (patch)", found));
                } else {
                    passwords(e.getValue(), where, found);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> passwords(item, where, found));
        } else if (node instanceof String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([A-Za-z0-9_.]*(?i:password)[A-Za-z0-9_.]*)=(.*)$").matcher(text);
            if (m.matches() && !isNoPassword(m.group(2))) {
                found.add(where + ": " + m.group(1));
            }
        }
    }

    @Test
    void secretTemplatesHoldPlaceholdersOnly() throws IOException {
        for (String template : List.of("camel-k/secret.template.yaml", "plain/secret.template.yaml")) {
            JsonNode data = one(template).path("stringData");
            assertThat(data.fieldNames()).toIterable().containsExactlyInAnyOrder("TENCENT_SDKAPPID", "TENCENT_CALLBACK_TOKEN");
            data.forEach(v -> assertThat(v.asText()).startsWith("<").endsWith(">"));
        }
    }
}
