package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kubectl kustomize builds every folder of k8s/ that has a kustomization.yaml without a warning (a
 * deprecated field such as bases or patchesStrategicMerge makes it warn, and a later kustomize drops
 * the field), and what it builds is valid (same checks as the files). Runs when kubectl is on the
 * PATH (CI installs it), or the one in the environment variable KUBECTL.
 */
class KustomizeTest {

    /** The kubectl of KUBECTL or the PATH; null when there is none. */
    static final String kubectl = findKubectl();
    /** The secured-Kafka overlays: each is k8s/plain-NAME, k8s/camel-k-NAME and k8s/kamelets/pipe-to-kafka-NAME. */
    static final List<String> KAFKA_OVERLAYS = List.of("kafka-scram-tls", "kafka-mtls", "kafka-sasl-plain");
    static ManifestValidator validator;

    @BeforeAll
    static void load() {
        validator = new ManifestValidator();
    }

    static String findKubectl() {
        String found = System.getenv("KUBECTL");
        if (found == null) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                    return Path.of(dir, "kubectl").toString();
                }
            }
        }
        return found;
    }

    @TestFactory
    List<DynamicTest> everyKustomizationBuildsValidObjects() throws IOException {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        List<Path> folders;
        try (Stream<Path> files = Files.walk(ManifestsTest.K8S)) {
            folders = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(5);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path folder : folders) {
            String name = ManifestValidator.ROOT.relativize(folder).toString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                List<JsonNode> docs = ManifestValidator.documents(kustomize(folder));
                assertThat(docs).as(name).isNotEmpty();
                List<String> problems = new ArrayList<>();
                docs.forEach(doc -> problems.addAll(validator.validate(doc)));
                assertThat(problems).as(name).isEmpty();
            }));
        }
        return tests;
    }

    static JsonNode only(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    /** k8s/plain as applied: a StatefulSet with a claim per pod, the routes' checksum and the image set on it. */
    @org.junit.jupiter.api.Test
    void thePlainFormIsAStatefulSetWithAClaimPerPodAndItsHeadlessService() throws Exception {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        List<JsonNode> docs = ManifestValidator.documents(kustomize(ManifestsTest.K8S.resolve("plain")));
        assertThat(docs).noneMatch(d -> d.path("kind").asText().equals("Deployment"));
        JsonNode statefulSet = only(docs, "StatefulSet");
        JsonNode template = statefulSet.path("spec").path("template");
        assertThat(template.path("metadata").path("annotations").path("tencent-live-webhook/routes-sha256").asText())
                .isEqualTo(Manifests.checksum(Routes.read(ManifestValidator.ROOT)));
        assertThat(template.path("spec").path("containers").get(0).path("image").asText())
                .startsWith("registry.example.com/tencent-live-webhook:");
        assertThat(statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText())
                .isEqualTo("data");
        assertThat(docs).filteredOn(d -> d.path("kind").asText().equals("Service"))
                .anySatisfy(service -> {
                    assertThat(service.path("metadata").path("name").asText()).isEqualTo(statefulSet.path("spec").path("serviceName").asText());
                    assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
                });
        only(docs, "PodDisruptionBudget");
    }

    /** The Knative overlay keeps the spool in an emptyDir per pod: Knative's pods would share one claim. */
    @org.junit.jupiter.api.Test
    void theKnativeOverlaySpoolsInAnEmptyDirPerPod() throws Exception {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        JsonNode spec = only(ManifestValidator.documents(kustomize(ManifestsTest.K8S.resolve("camel-k-knative"))), "Integration")
                .path("spec");
        assertThat(spec.has("replicas")).isFalse();
        assertThat(spec.path("traits").has("deployment")).isFalse();
        JsonNode mount = spec.path("traits").path("mount");
        assertThat(mount.has("volumes")).isFalse();
        assertThat(mount.path("emptyDirs")).extracting(JsonNode::asText).containsExactly("data:/var/lib/tencent-live-webhook");
        assertThat(mount.path("configs")).extracting(JsonNode::asText)
                .containsExactly("configmap:tencent-live-webhook-config", "secret:tencent-live-webhook");
    }

    // --- secured Kafka: the same settings in every form ------------------------------------------

    /**
     * What a form's pod is given for Kafka: each SINK and KAFKA_* variable, as its literal value or
     * {@code secret:NAME/KEY}, and each Secret mounted as files, by mount path ({@code secret:NAME}).
     */
    record KafkaForm(Map<String, String> settings, Map<String, String> mounts) {

        /** The StatefulSet's container: env (a literal or a secretKeyRef) over the ConfigMap of its envFrom. */
        static KafkaForm plain(List<JsonNode> docs) {
            JsonNode pod = only(docs, "StatefulSet").path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            Map<String, String> settings = new TreeMap<>();
            for (JsonNode from : container.path("envFrom")) {
                String name = from.path("configMapRef").path("name").asText();
                JsonNode configMap = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
                        && d.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
                configMap.path("data").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
            }
            for (JsonNode env : container.path("env")) {
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                settings.put(env.path("name").asText(), ref.isMissingNode() ? env.path("value").asText()
                        : "secret:" + ref.path("name").asText() + "/" + ref.path("key").asText());
            }
            Map<String, String> secretVolumes = new TreeMap<>();
            pod.path("volumes").forEach(v -> {
                if (v.has("secret")) {
                    secretVolumes.put(v.path("name").asText(), "secret:" + v.path("secret").path("secretName").asText());
                }
            });
            Map<String, String> mounts = new TreeMap<>();
            container.path("volumeMounts").forEach(m -> {
                if (secretVolumes.containsKey(m.path("name").asText())) {
                    assertThat(m.path("readOnly").asBoolean()).as("mount %s read-only", m).isTrue();
                    mounts.put(m.path("mountPath").asText(), secretVolumes.get(m.path("name").asText()));
                }
            });
            return new KafkaForm(kafkaOnly(settings), mounts);
        }

        /** The environment trait's variables and the mount trait's resources of an Integration or a Pipe. */
        static KafkaForm camelK(JsonNode resource) {
            JsonNode traits = resource.path("spec").path("traits");
            Map<String, String> settings = new TreeMap<>();
            traits.path("environment").path("vars").forEach(v -> {
                String[] kv = v.asText().split("=", 2);
                settings.put(kv[0], kv[1]);
            });
            Map<String, String> mounts = new TreeMap<>();
            traits.path("mount").path("resources").forEach(r -> {
                String[] at = r.asText().split("@", 2);
                assertThat(at).as("%s names its mount path", r).hasSize(2);
                mounts.put(at[1], at[0]);
            });
            return new KafkaForm(kafkaOnly(settings), mounts);
        }

        /** Only what differs from the base's. */
        KafkaForm over(KafkaForm base) {
            Map<String, String> s = new TreeMap<>(settings);
            s.entrySet().removeIf(e -> e.getValue().equals(base.settings().get(e.getKey())));
            Map<String, String> m = new TreeMap<>(mounts);
            m.entrySet().removeIf(e -> e.getValue().equals(base.mounts().get(e.getKey())));
            return new KafkaForm(s, m);
        }

        private static Map<String, String> kafkaOnly(Map<String, String> settings) {
            Map<String, String> kafka = new TreeMap<>();
            settings.forEach((k, v) -> {
                if (k.equals("SINK") || k.startsWith("KAFKA_")) {
                    kafka.put(k, v);
                }
            });
            return kafka;
        }
    }

    static List<JsonNode> built(String folder) throws Exception {
        return ManifestValidator.documents(kustomize(ManifestsTest.K8S.resolve(folder)));
    }

    /**
     * Each overlay secures the Kafka sink of its base and changes nothing else: the plain
     * StatefulSet and the Camel K Integration get the same settings from the same Secret keys and
     * mount the same Secrets at the same paths; every password is a Secret's key; every store is a
     * file of a mounted Secret; and each variable names a setting of application.properties.
     */
    @org.junit.jupiter.api.Test
    void everyKafkaOverlayGivesThePlainAndTheCamelKFormTheSameSettingsFromTheSameSecrets() throws Exception {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        Settings settings = Settings.read(ManifestValidator.ROOT.resolve("application.properties"));
        List<String> variables = settings.entries.keySet().stream()
                .map(k -> k.toUpperCase(java.util.Locale.ROOT).replaceAll("[.-]", "_")).toList();
        List<JsonNode> plainBase = built("plain");
        JsonNode integrationBase = only(built("camel-k"), "Integration");
        for (String overlay : KAFKA_OVERLAYS) {
            List<JsonNode> plainDocs = built("plain-" + overlay);
            JsonNode integration = only(built("camel-k-" + overlay), "Integration");
            // What each overlay adds to its base, or changes (the plain base already names a plaintext broker and the topic).
            KafkaForm plain = KafkaForm.plain(plainDocs).over(KafkaForm.plain(plainBase));
            KafkaForm camelK = KafkaForm.camelK(integration).over(KafkaForm.camelK(integrationBase));

            assertThat(plain).as(overlay).isEqualTo(camelK);
            Map<String, String> s = plain.settings();
            assertThat(s).as(overlay).containsEntry("SINK", "kafka").containsKey("KAFKA_BROKERS").containsKey("KAFKA_SECURITY_PROTOCOL");
            assertThat(s.keySet()).as(overlay + ": each a setting of application.properties").allMatch(variables::contains);
            s.forEach((name, value) -> {
                if (name.contains("PASSWORD")) {
                    assertThat(value).as(overlay + " " + name).matches("secret:[a-z0-9.-]+/[A-Za-z0-9._-]+");
                }
                if (name.endsWith("_LOCATION")) {
                    String dir = value.substring(0, value.lastIndexOf('/'));
                    assertThat(plain.mounts()).as(overlay + " " + name + ": a file of a mounted Secret").containsKey(dir);
                }
            });

            // Nothing of the base is lost: its variables, volumes and traits are all still there.
            JsonNode statefulSet = only(plainDocs, "StatefulSet");
            JsonNode baseStatefulSet = only(plainBase, "StatefulSet");
            assertThat(names(statefulSet.path("spec").path("template").path("spec").path("containers").get(0).path("env")))
                    .containsAll(names(baseStatefulSet.path("spec").path("template").path("spec").path("containers").get(0).path("env")));
            assertThat(names(statefulSet.path("spec").path("template").path("spec").path("volumes")))
                    .containsAll(names(baseStatefulSet.path("spec").path("template").path("spec").path("volumes")));
            List<String> baseVars = texts(integrationBase.path("spec").path("traits").path("environment").path("vars"));
            assertThat(texts(integration.path("spec").path("traits").path("environment").path("vars")))
                    .as(overlay).startsWith(baseVars.toArray(String[]::new));
            assertThat(texts(integration.path("spec").path("traits").path("mount").path("configs")))
                    .isEqualTo(texts(integrationBase.path("spec").path("traits").path("mount").path("configs")));
            assertThat(integration.path("spec").path("flows")).isEqualTo(integrationBase.path("spec").path("flows"));
        }
    }

    /** The Strimzi overlays read Strimzi's Secrets by the keys Strimzi gives them. */
    @org.junit.jupiter.api.Test
    void theStrimziOverlaysReadThePasswordsFromTheSecretKeysAndTheStoresFromTheMountedFiles() throws Exception {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        String ca = "secret:my-cluster-cluster-ca-cert";
        String user = "secret:tencent-live-webhook-producer";

        KafkaForm scram = KafkaForm.plain(built("plain-kafka-scram-tls"));
        assertThat(scram.settings()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("KAFKA_SASL_PASSWORD", user + "/password")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/cluster-ca/ca.p12")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_PASSWORD", ca + "/ca.password")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")
                .doesNotContainKeys("KAFKA_SSL_KEYSTORE_LOCATION");
        assertThat(scram.mounts()).containsExactly(Map.entry("/etc/kafka/cluster-ca", ca));

        KafkaForm mtls = KafkaForm.plain(built("plain-kafka-mtls"));
        assertThat(mtls.settings()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/cluster-ca/ca.p12")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_PASSWORD", ca + "/ca.password")
                .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/user/user.p12")
                .containsEntry("KAFKA_SSL_KEYSTORE_PASSWORD", user + "/user.password")
                .containsEntry("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12")
                .doesNotContainKeys("KAFKA_SASL_MECHANISM", "KAFKA_SASL_PASSWORD");
        assertThat(mtls.mounts()).containsExactly(Map.entry("/etc/kafka/cluster-ca", ca), Map.entry("/etc/kafka/user", user));

        // Confluent Cloud: the API key and secret from one Secret, no store (its CA is a public one).
        KafkaForm plain = KafkaForm.plain(built("plain-kafka-sasl-plain"));
        assertThat(plain.settings()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "PLAIN")
                .containsEntry("KAFKA_SASL_USERNAME", "secret:kafka-api-key/username")
                .containsEntry("KAFKA_SASL_PASSWORD", "secret:kafka-api-key/password")
                .doesNotContainKeys("KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_SSL_KEYSTORE_LOCATION");
        assertThat(plain.mounts()).isEmpty();
    }

    /**
     * The Pipe of each overlay tells the catalogue's kafka-sink what the service's settings say in
     * the other forms, from the same Secret keys, and mounts the same Secrets at the same paths; its
     * passwords reach it from the environment, never as a value in the Pipe.
     */
    @org.junit.jupiter.api.Test
    void everyKafkaOverlaysPipeGivesTheCataloguesKafkaSinkTheSameSettings() throws Exception {
        assumeTrue(kubectl != null, "kubectl is not on the PATH");
        JsonNode basePipe = only(built("kamelets/pipe-to-kafka"), "Pipe");
        for (String overlay : KAFKA_OVERLAYS) {
            Map<String, String> s = KafkaForm.camelK(only(built("camel-k-" + overlay), "Integration")).settings();
            JsonNode pipe = only(built("kamelets/pipe-to-" + overlay), "Pipe");
            KafkaForm form = KafkaForm.camelK(pipe);
            JsonNode sink = pipe.path("spec").path("sink");
            assertThat(sink.path("ref").path("name").asText()).isEqualTo("kafka-sink");
            Map<String, String> properties = new TreeMap<>();
            sink.path("properties").fields().forEachRemaining(e -> {
                String value = e.getValue().asText();
                java.util.regex.Matcher env = java.util.regex.Pattern.compile("\\{\\{env:([A-Z_]+)}}").matcher(value);
                properties.put(e.getKey(), env.matches() ? form.settings().get(env.group(1)) : value);
                if (e.getKey().toLowerCase(java.util.Locale.ROOT).contains("password")) {
                    assertThat(env.matches()).as(overlay + " " + e.getKey() + " from the environment").isTrue();
                }
            });
            String protocol = s.get("KAFKA_SECURITY_PROTOCOL");
            Map<String, String> expected = new TreeMap<>();
            expected.put("topic", basePipe.path("spec").path("sink").path("properties").path("topic").asText());
            expected.put("bootstrapServers", s.get("KAFKA_BROKERS"));
            expected.put("saslAuthType", protocol.equals("SSL") ? "SSL" : s.get("KAFKA_SASL_MECHANISM").replace('-', '_'));
            expected.put("saslUsername", s.get("KAFKA_SASL_USERNAME"));
            expected.put("saslPassword", s.get("KAFKA_SASL_PASSWORD"));
            expected.put("sslTruststoreLocation", s.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
            expected.put("sslTruststorePassword", s.get("KAFKA_SSL_TRUSTSTORE_PASSWORD"));
            expected.put("sslKeystoreLocation", s.get("KAFKA_SSL_KEYSTORE_LOCATION"));
            expected.put("sslKeystorePassword", s.get("KAFKA_SSL_KEYSTORE_PASSWORD"));
            expected.values().removeIf(java.util.Objects::isNull);
            assertThat(properties).as(overlay).isEqualTo(expected);
            // kafka-sink has no store type: the stores must be ones Kafka's default type opens (PKCS12, not PEM).
            assertThat(s.getOrDefault("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")).isEqualTo("PKCS12");
            assertThat(s.getOrDefault("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12")).isEqualTo("PKCS12");
            assertThat(form.mounts()).as(overlay).isEqualTo(KafkaForm.camelK(only(built("camel-k-" + overlay), "Integration")).mounts());
            assertThat(pipe.path("spec").path("source")).isEqualTo(basePipe.path("spec").path("source"));
        }
    }

    static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.path("name").asText()));
        return names;
    }

    static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        list.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    /** The objects kubectl kustomize builds of the folder; fails when it fails or prints any warning. */
    static String kustomize(Path folder) throws IOException, InterruptedException {
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", folder.toString())
                    .redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize %s finished", folder).isTrue();
            String warnings = Files.readString(err);
            assertThat(process.exitValue()).as("kubectl kustomize %s: %s", folder, warnings).isZero();
            // kustomize reports deprecated fields on stderr ("# Warning: 'bases' is deprecated. ...");
            // anything there is a warning to fix, in the folder or in a base it includes.
            assertThat(warnings).as("kubectl kustomize %s warned (use resources/patches, see kustomize edit fix)", folder)
                    .isEmpty();
            assertThat(out.lines().filter(KustomizeTest::isWarning).toList())
                    .as("kubectl kustomize %s warned in its output", folder).isEmpty();
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    static boolean isWarning(String line) {
        String comment = line.strip();
        return comment.startsWith("#") && (comment.contains("Warning") || comment.contains("deprecated"));
    }
}
