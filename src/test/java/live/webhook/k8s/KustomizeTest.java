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
