package live.webhook.k8s;

import static live.webhook.k8s.Yaml.list;
import static live.webhook.k8s.Yaml.map;
import static live.webhook.k8s.Yaml.mapOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator reads whatever routes/ holds: a new route file, a new check with a new setting, or a
 * component behind a placeholder, on a copy of the repository's routes and settings.
 */
class GeneratorTest {

    @TempDir
    Path root;

    void copyRepository() throws IOException {
        Path repo = ManifestValidator.ROOT;
        Files.createDirectories(root.resolve("routes"));
        Files.createDirectories(root.resolve("k8s/camel-k"));
        try (Stream<Path> files = Files.list(repo.resolve("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, root.resolve("routes").resolve(f.getFileName()));
            }
        }
        Files.copy(repo.resolve("application.properties"), root.resolve("application.properties"));
        Files.copy(repo.resolve("pom.xml"), root.resolve("pom.xml"));
        Files.copy(repo.resolve(Manifests.INTEGRATION), root.resolve(Manifests.INTEGRATION));
        Files.createDirectories(root.resolve(Manifests.PIPE).getParent());
        Files.copy(repo.resolve(Manifests.PIPE), root.resolve(Manifests.PIPE));
        Files.copy(repo.resolve(Manifests.README), root.resolve(Manifests.README));
        Files.createDirectories(root.resolve(Monitoring.THRESHOLDS).getParent());
        Files.copy(repo.resolve(Monitoring.THRESHOLDS), root.resolve(Monitoring.THRESHOLDS));
    }

    @Test
    void aNewRouteFileAndANewCheckReachEveryGeneratedFile() throws IOException {
        copyRepository();
        Files.writeString(root.resolve("routes/heartbeat.camel.yaml"), """
                - route:
                    id: heartbeat
                    from:
                      uri: "timer:heartbeat"
                      steps:
                        - to: "log:heartbeats"
                """);
        // A new check in the webhook route, with a new setting, right after the SdkAppid check.
        Path webhook = root.resolve("routes/webhook.camel.yaml");
        List<Object> items = list(Yaml.load(Files.readString(webhook)));
        for (Object item : items) {
            Map<String, Object> route = map(map(item).get("route"));
            if (route != null && Routes.fromUri(route).startsWith("platform-http:")) {
                List<Object> steps = list(Routes.from(route).get("steps"));
                int at = -1;
                for (int i = 0; i < steps.size(); i++) {
                    Object filter = map(steps.get(i)).get("filter");
                    if (filter != null && "filter-sdkappid".equals(map(filter).get("id"))) {
                        at = i;
                    }
                }
                assertThat(at).isNotNegative();
                steps.add(at + 1, mapOf("to", "direct:check-room-count"));
            }
        }
        items.add(mapOf("route", mapOf("id", "check-room-count", "from", mapOf("uri", "direct:check-room-count",
                "steps", List.of(mapOf("filter", mapOf("simple", "${header.Rooms} > {{max.rooms}}",
                        "steps", List.of(mapOf("throwException", mapOf(
                                "exceptionType", "live.webhook.receive.WebhookRefused",
                                "message", "ROOM_ID_INVALID"))))))))));
        Files.writeString(webhook, Yaml.dump(items));
        Files.writeString(root.resolve("application.properties"),
                Files.readString(root.resolve("application.properties")) + "# Most rooms in one webhook.\nmax.rooms = 3\n");

        Map<String, String> files = Manifests.generate(root);

        String integration = files.get(Manifests.INTEGRATION);
        assertThat(integration).contains("id: heartbeat", "id: check-room-count", "- camel:timer", "- camel:log");
        assertThat(integration).startsWith(Manifests.integrationHead(ManifestValidator.ROOT));
        assertThat(files.get("k8s/camel-k/kamel-run.sh")).contains("routes/heartbeat.camel.yaml", "-d camel:timer");
        assertThat(files.get(Manifests.README)).contains("  routes/heartbeat.camel.yaml \\\n");
        assertThat(files.get("k8s/camel-k/application.properties")).contains("max.rooms = 3");
        assertThat(files.get("k8s/plain/routes-configmap.yaml")).contains("heartbeat.camel.yaml: |");

        Map<String, Object> kamelet = map(Yaml.load(files.get("k8s/kamelets/" + Manifests.KAMELET + ".kamelet.yaml")));
        Map<String, Object> spec = map(kamelet.get("spec"));
        Map<String, Object> maxRooms = map(map(map(spec.get("definition")).get("properties")).get("maxRooms"));
        assertThat(maxRooms).containsEntry("type", "integer").containsEntry("default", 3);
        assertThat((String) maxRooms.get("description")).contains("Most rooms in one webhook.");
        String template = Yaml.dump(spec.get("template"));
        assertThat(template).contains("${header.Rooms} > {{maxRooms}}", "ROOM_ID_INVALID")
                // the heartbeat route is not reached from the webhook: not part of the Kamelet
                .doesNotContain("timer:heartbeat", "direct:", "{{max.rooms}}");
        assertThat(spec.get("dependencies")).asList().doesNotContain("camel:timer");
    }

    @Test
    void theTransportBodyLimitReachesQuarkusAsAnEnvironmentVariableNotAsAConfigMapKey() throws IOException {
        Map<String, String> files = generateWith("camel.server.max-body-size = 1048576", "camel.server.max-body-size = 2097152");

        for (String file : List.of(Manifests.INTEGRATION, Manifests.PIPE)) {
            assertThat(environmentVars(files, file)).as(file).contains("QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE=2097152")
                    .doesNotContain("QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE=1048576");
        }
        assertThat(files.get("k8s/camel-k/kamel-run.sh")).contains("-t environment.vars=QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE=2097152 ");
        // Only Camel reads the ConfigMap: no Quarkus key in it.
        assertThat(files.get("k8s/camel-k/application.properties")).doesNotContainPattern("(?m)^quarkus\\.");
    }

    @Test
    void theIdleTimeoutReachesQuarkusAsAnEnvironmentVariable() throws IOException {
        Map<String, String> files = generateWith("http.idle.timeout.seconds = 5", "http.idle.timeout.seconds = 7");

        for (String file : List.of(Manifests.INTEGRATION, Manifests.PIPE)) {
            assertThat(environmentVars(files, file)).as(file).contains("QUARKUS_HTTP_IDLE_TIMEOUT=7").doesNotContain("QUARKUS_HTTP_IDLE_TIMEOUT=5");
        }
        assertThat(files.get("k8s/camel-k/kamel-run.sh")).contains("-t environment.vars=QUARKUS_HTTP_IDLE_TIMEOUT=7 ");
        // camel-main's own: not a key of the ConfigMap.
        assertThat(files.get("k8s/camel-k/application.properties")).doesNotContain("http.idle.timeout.seconds");
    }

    /** A secured-Kafka overlay of the Integration reaches kamel-run.sh as the flags of its traits, and only that. */
    @Test
    void aKafkaOverlaysTraitsReachKamelRunAsFlags() throws IOException {
        copyRepository();
        Path overlay = Files.createDirectories(root.resolve("k8s/camel-k-kafka-test"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                resources:
                  - ../camel-k
                patches:
                  - target: {group: camel.apache.org, kind: Integration, name: tencent-live-webhook}
                    patch: |-
                      - op: add
                        path: /spec/traits/mount/resources
                        value:
                          - secret:ca@/etc/kafka/ca
                      - op: add
                        path: /spec/traits/environment/vars/-
                        value: KAFKA_SSL_TRUSTSTORE_PASSWORD=secret:ca/ca.password
                """);

        String script = Manifests.generate(root).get("k8s/camel-k/kamel-run.sh");

        assertThat(script).contains("""
                # k8s/camel-k-kafka-test:
                #   sh k8s/camel-k/kamel-run.sh \\
                #     -t mount.resources=secret:ca@/etc/kafka/ca \\
                #     -t environment.vars=KAFKA_SSL_TRUSTSTORE_PASSWORD=secret:ca/ca.password
                set -e
                """);
        // The command itself stays the base's.
        assertThat(script.substring(script.indexOf("exec kamel run"))).doesNotContain("mount.resources");

        Files.writeString(overlay.resolve("kustomization.yaml"), """
                resources:
                  - ../camel-k
                patches:
                  - target: {group: camel.apache.org, kind: Integration, name: tencent-live-webhook}
                    patch: |-
                      - op: remove
                        path: /spec/traits/deployment
                """);
        assertThatThrownBy(() -> Manifests.generate(root)).hasMessageContaining("k8s/camel-k-kafka-test")
                .hasMessageContaining("kamel run flag");
    }

    @Test
    void aComponentBehindAPlaceholderIsRefused() throws IOException {
        copyRepository();
        Files.writeString(root.resolve("routes/dynamic.camel.yaml"), """
                - route:
                    from:
                      uri: "timer:t"
                      steps:
                        - to: "{{target.uri}}"
                """);
        assertThatThrownBy(() -> Manifests.generate(root)).hasMessageContaining("{{target.uri}}")
                .hasMessageContaining("Camel K");
    }

    @Test
    void theKameletIsOneRouteWithoutSubRoutesOrNodeIds() throws IOException {
        Map<String, Object> kamelet = map(Yaml.load(Files.readString(
                ManifestValidator.ROOT.resolve("k8s/kamelets/" + Manifests.KAMELET + ".kamelet.yaml"), StandardCharsets.UTF_8)));
        Map<String, Object> template = map(map(kamelet.get("spec")).get("template"));
        // One route, and the template beans its steps name (the project's Java classes).
        assertThat(template).containsOnlyKeys("beans", "from");
        String text = Yaml.dump(template);
        assertThat(text).doesNotContain("direct:", "routeConfiguration", "onException", "{{sink}}")
                .doesNotContainPattern("(?m)^\\s*(- )?id: ")
                .contains("to: kamelet:sink", "doCatch:");
    }

    /** The manifests generated from a copy of the repository whose application.properties has one line changed. */
    Map<String, String> generateWith(String line, String changed) throws IOException {
        copyRepository();
        Path properties = root.resolve("application.properties");
        String text = Files.readString(properties);
        assertThat(text).contains(line);
        Files.writeString(properties, text.replace(line, changed));
        return Manifests.generate(root);
    }

    /** The environment trait's variables of a generated Integration or Pipe. */
    static List<Object> environmentVars(Map<String, String> files, String file) {
        Map<String, Object> resource = map(Yaml.load(files.get(file)));
        return list(map(map(map(resource.get("spec")).get("traits")).get("environment")).get("vars"));
    }
}
