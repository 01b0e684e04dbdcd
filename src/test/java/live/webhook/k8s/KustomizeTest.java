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

    static String kubectl;
    static ManifestValidator validator;

    @BeforeAll
    static void find() {
        kubectl = System.getenv("KUBECTL");
        if (kubectl == null) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                    kubectl = Path.of(dir, "kubectl").toString();
                    break;
                }
            }
        }
        validator = new ManifestValidator();
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
