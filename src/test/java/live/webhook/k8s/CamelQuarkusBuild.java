package live.webhook.k8s;

import static live.webhook.k8s.Yaml.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Camel Quarkus applications Camel K 2.10's operator would build for the generated
 * Integration and for a Pipe of the generated Kamelet: a Maven project per application under
 * target/camel-quarkus/, its pom made from src/camel-quarkus/pom.template.xml with one dependency per
 * dependency the operator would resolve, then {@code mvn package} as a process of its own, once per
 * JVM (and not again while the generated projects are unchanged).
 *
 * <p>The dependencies are the generated resource's own ({@code spec.dependencies} of the Integration,
 * of the Kamelet) plus what the operator adds by itself: camel-quarkus-core (the runtime),
 * camel-quarkus-yaml-dsl (the flows are YAML), camel-quarkus-microprofile-health (when the health
 * trait is on), and, for a Pipe, the components of the route it becomes (kamelet:, the sink's).
 */
final class CamelQuarkusBuild {

    static final Path ROOT = ManifestValidator.ROOT;
    static final Path MODULE = ROOT.resolve("src/camel-quarkus");
    static final Path OUT = ROOT.resolve("target/camel-quarkus");
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

    /** One application to build: its directory name, runtime version and Camel K dependencies. */
    record App(String name, String runtimeVersion, Set<String> dependencies) {

        /** The fast-jar launcher the build makes. */
        Path runJar() {
            return OUT.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        }
    }

    private static Map<String, App> built;

    private CamelQuarkusBuild() {
    }

    /** The application of the generated Integration (k8s/camel-k/integration.yaml). */
    static App integration() {
        return buildAll().get("integration");
    }

    /** The application of the Pipe of {@link CamelKPod#pipe}, the generated Kamelet as its source. */
    static App pipe() {
        return buildAll().get("pipe");
    }

    /** The application of the Pipe as it is, its sink the catalogue's kafka-sink Kamelet. */
    static App pipeToKafka() {
        return buildAll().get("pipe-kafka");
    }

    /** The Integration's dependencies and the operator's own, as the operator would resolve them. */
    static App integrationApp(Map<String, Object> integration) {
        Map<String, Object> spec = map(integration.get("spec"));
        Map<String, Object> traits = map(spec.get("traits"));
        Set<String> dependencies = operatorDependencies();
        dependencies.addAll(Yaml.list(spec.get("dependencies")).stream().map(String::valueOf).toList());
        Map<String, Object> health = traits.containsKey("health") ? map(traits.get("health")) : Map.of();
        if (Boolean.TRUE.equals(health.get("enabled"))) {
            // The health trait adds the catalog's health capability.
            dependencies.add("camel:microprofile-health");
        }
        return new App("integration", runtimeVersion(traits), dependencies);
    }

    /** The Pipe's Integration: its route's components, its Kamelets' dependencies, and the operator's own. */
    static App pipeApp(String name, Map<String, Object> pipeIntegration, List<Map<String, Object>> kamelets) {
        Map<String, Object> spec = map(pipeIntegration.get("spec"));
        Set<String> dependencies = operatorDependencies();
        dependencies.addAll(Dependencies.of(spec.get("flows")));
        for (Map<String, Object> kamelet : kamelets) {
            dependencies.addAll(Yaml.list(map(kamelet.get("spec")).get("dependencies")).stream().map(String::valueOf).toList());
        }
        return new App(name, runtimeVersion(map(spec.get("traits"))), dependencies);
    }

    /** The Kamelet the Pipe's sink names. */
    static String pipeSinkKamelet() {
        return String.valueOf(map(map(map(CamelKPod.pipeResource().get("spec")).get("sink")).get("ref")).get("name"));
    }

    private static Set<String> operatorDependencies() {
        // camel-quarkus-core: the plain-quarkus catalog's runtime dependency; yaml-dsl: the loader
        // of YAML sources (the flows).
        return new TreeSet<>(List.of("camel:core", "camel:yaml-dsl"));
    }

    private static String runtimeVersion(Map<String, Object> traits) {
        Map<String, Object> camel = map(traits.get("camel"));
        if (!"plain-quarkus".equals(camel.get("runtimeProvider"))) {
            throw new IllegalStateException("only the plain-quarkus runtime is built here, not " + camel.get("runtimeProvider"));
        }
        return String.valueOf(camel.get("runtimeVersion"));
    }

    private static synchronized Map<String, App> buildAll() {
        if (built == null) {
            List<App> apps = List.of(
                    integrationApp(CamelKPod.integrationResource()),
                    pipeApp("pipe", CamelKPod.pipeIntegration(CamelKPod.pipeSink(OUT.resolve("events"))),
                            List.of(CamelKPod.kameletResource())),
                    pipeApp("pipe-kafka", CamelKPod.pipeIntegration(CamelKPod.pipeResource(), null),
                            List.of(CamelKPod.kameletResource(), CamelKPod.catalogueKamelet(pipeSinkKamelet()))));
            build(apps);
            Map<String, App> byName = new LinkedHashMap<>();
            apps.forEach(a -> byName.put(a.name(), a));
            built = byName;
        }
        return built;
    }

    /** Writes the projects and runs Maven on them, unless the same projects were built before. */
    static void build(List<App> apps) {
        Map<String, String> files = new LinkedHashMap<>();
        List<String> modules = new ArrayList<>();
        for (App app : apps) {
            files.put(app.name() + "/pom.xml", pom(app));
            files.put(app.name() + "/src/main/resources/application.properties", read(MODULE.resolve("application.properties")));
            modules.add("    <module>" + app.name() + "</module>");
        }
        files.put("pom.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Generated by live.webhook.k8s.CamelQuarkusBuild from src/camel-quarkus/: do not edit. -->
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.apache.camel.k.integration</groupId>
                  <artifactId>camel-quarkus-apps</artifactId>
                  <version>1.0.0-SNAPSHOT</version>
                  <packaging>pom</packaging>
                  <modules>
                %s
                  </modules>
                </project>
                """.formatted(String.join("\n", modules)));
        // The project's artifact is resolved from the repository, not named by a file: a new build of it
        // is a new application.
        files.put("(project artifact)", artifactDigest());
        String digest = digest(files);
        files.remove("(project artifact)");
        Path stamp = OUT.resolve("built.sha256");
        if (apps.stream().allMatch(a -> Files.isRegularFile(a.runJar())) && digest.equals(readIfExists(stamp))) {
            return;
        }
        try {
            Files.deleteIfExists(stamp);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path path = OUT.resolve(f.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, f.getValue(), StandardCharsets.UTF_8);
            }
            runMaven();
            for (App app : apps) {
                if (!Files.isRegularFile(app.runJar())) {
                    throw new IllegalStateException("the build made no " + app.runJar());
                }
            }
            Files.writeString(stamp, digest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template with this application's name, versions and dependencies. */
    static String pom(App app) {
        StringBuilder dependencies = new StringBuilder();
        Properties substitutes = substitutes();
        for (String dependency : app.dependencies()) {
            String[] gav = artifact(dependency, substitutes);
            dependencies.append("    <dependency><groupId>").append(gav[0]).append("</groupId><artifactId>")
                    .append(gav[1]).append("</artifactId>")
                    .append(gav.length > 2 ? "<version>" + gav[2] + "</version>" : "")
                    .append("</dependency>  <!-- ").append(dependency).append(" -->\n");
        }
        String camelVersion = System.getProperty("camel.version");
        if (camelVersion == null || camelVersion.isBlank()) {
            throw new IllegalStateException("the system property camel.version (the pom's) is not set");
        }
        return read(MODULE.resolve("pom.template.xml"))
                .replace("@artifactId@", "camel-k-integration-" + app.name())
                .replace("@quarkus.platform.version@", substitutes.getProperty("quarkus.platform." + app.runtimeVersion(), app.runtimeVersion()))
                .replace("@camel.version@", camelVersion)
                .replace("@project.repository@", projectRepository().toUri().toString())
                .replace("@dependencies@\n", dependencies.toString());
    }

    /** groupId, artifactId (and version) of a Camel K dependency on a Quarkus-based runtime, as the operator maps it. */
    static String[] artifact(String dependency, Properties substitutes) {
        if (substitutes.containsKey(dependency)) {
            return substitutes.getProperty(dependency).strip().split(":");
        }
        if (dependency.startsWith("camel:")) {
            String name = dependency.substring("camel:".length());
            return new String[] {"org.apache.camel.quarkus", name.startsWith("camel-") ? name : "camel-quarkus-" + name};
        }
        if (dependency.startsWith("mvn:")) {
            return dependency.substring("mvn:".length()).split(":");
        }
        throw new IllegalStateException("dependency " + dependency + ": only camel: and mvn: dependencies are built here");
    }

    /** The file-based Maven repository the outer build deploys the project's artifact to, before the ITs. */
    static Path projectRepository() {
        String repository = System.getProperty("test.maven.repository");
        if (repository == null || repository.isBlank()) {
            throw new IllegalStateException("the system property test.maven.repository (the pom's) is not set");
        }
        Path path = Path.of(repository);
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("no project artifact deployed at " + path + ": run mvn verify, whose"
                    + " pre-integration-test phase deploys it");
        }
        return path;
    }

    /**
     * SHA-256 of the newest deployed jar of the project (snapshot names sort by their time stamp). The
     * jar is built reproducibly (project.build.outputTimestamp), so the same classes give the same
     * digest, and an unchanged project does not rebuild the applications.
     */
    private static String artifactDigest() {
        try (var jars = Files.walk(projectRepository())) {
            Path newest = jars.filter(p -> p.getFileName().toString().matches(".*-\\d{8}\\.\\d{6}-\\d+\\.jar"))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException("no project jar deployed under " + projectRepository()));
            return sha256(Files.readAllBytes(newest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties substitutes() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(MODULE.resolve("substitutes.properties"), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** mvn -B package on target/camel-quarkus/pom.xml, with the Maven and local repository of this build. */
    private static void runMaven() throws IOException {
        String mavenHome = System.getProperty("maven.home");
        String mvn = mavenHome != null && !mavenHome.isBlank() ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn";
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-ntp", "-f", OUT.resolve("pom.xml").toString(),
                "package", "-Dmaven.test.skip=true"));
        String repository = System.getProperty("maven.repo.local");
        if (repository != null && !repository.isBlank()) {
            command.add("-Dmaven.repo.local=" + repository);
        }
        Path log = OUT.resolve("build.log");
        Process process = new ProcessBuilder(command).directory(OUT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the Camel Quarkus build took longer than " + BUILD_TIMEOUT + ", see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException("the Camel Quarkus build failed (" + String.join(" ", command) + "), see "
                    + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }

    private static String digest(Map<String, String> files) {
        return Manifests.digest(files);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readIfExists(Path file) {
        return Files.isRegularFile(file) ? read(file) : null;
    }
}
