package live.webhook;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, metrics and route reload, through camel-main's own management server. */
class OperationsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> management(WebhookService service, String path) {
        return service.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.setting("management.port") + path)));
    }

    @Test
    void healthLivenessAndReadinessAreUpOnceRoutesRun() throws Exception {
        try (WebhookService service = WebhookService.start("sink", "log")) {
            for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
                HttpResponse<String> response = management(service, path);
                assertThat(response.statusCode()).as(path).isEqualTo(200);
                assertThat(JSON.readValue(response.body(), Map.class)).as(path).containsEntry("status", "UP");
            }
            String ready = management(service, "/observe/health/ready").body();
            assertThat(ready).contains("\"route:webhook-receive\"").contains("\"consumer:webhook-receive\"");
            // Not served on the webhook port.
            assertThat(service.send(HttpRequest.newBuilder(service.uri("/observe/health"))).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void metricsCountWebhooksByCommandAndOutcomeAndMessagesBySink() throws Exception {
        try (WebhookService service = WebhookService.start("sink", "log")) {
            service.post(query(SET), sample("set-metadata.json"));
            service.post(query(DEL), sample("del-metadata.json"));
            service.post(query(DEL), sample("del-metadata.json"));
            service.post(query("Live.CallbackAfterCreateRoom"), "{}");
            service.post("?SdkAppid=1&CallbackCommand=" + SET, sample("set-metadata.json"));
            service.post("?SdkAppid=1&CallbackCommand=Whatever.Attacker.Chose", "{}");
            service.post(query(SET), "not json");

            String metrics = management(service, "/observe/metrics").body();

            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"Live.CallbackAfterSetMetadata\"", "outcome=\"accepted\"")).isEqualTo(1.0);
            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"Live.CallbackAfterDelMetadata\"", "outcome=\"accepted\"")).isEqualTo(2.0);
            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"other\"", "outcome=\"ignored\"")).isEqualTo(1.0);
            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"Live.CallbackAfterSetMetadata\"", "outcome=\"refused\"", "reason=\"4030\"")).isEqualTo(1.0);
            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"other\"", "outcome=\"refused\"", "reason=\"4030\"")).isEqualTo(1.0);
            assertThat(metric(metrics, "tencent_webhooks_total", "command=\"Live.CallbackAfterSetMetadata\"", "outcome=\"refused\"", "reason=\"4002\"")).isEqualTo(1.0);
            assertThat(metrics).doesNotContain("Whatever.Attacker.Chose");
            assertThat(metric(metrics, "tencent_messages_total", "sink=\"log\"")).isEqualTo(6.0);
            assertThat(metric(metrics, "tencent_sink_seconds_count", "sink=\"log\"")).isEqualTo(3.0);
            // Every webhook above was answered: none is in flight (OperationsIT sees 20 while Kafka waits).
            assertThat(metric(metrics, "tencent_webhooks_in_flight")).isEqualTo(0.0);
            // The JVM and Camel's own route metrics come along.
            assertThat(metrics).contains("jvm_memory_used_bytes").contains("process_cpu_usage")
                    .contains("camel_exchanges_total").contains("routeId=\"webhook-receive\"");
        }
    }

    @Test
    void editingARouteFileChangesBehaviourAndABrokenEditKeepsTheOldRoutes(@TempDir Path routes) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        try (WebhookService service = WebhookService.start("sink", "log", "routes.reload", "true",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-directory", routes.toString())) {
            Path sinks = routes.resolve("sinks.camel.yaml");
            String original = Files.readString(sinks, StandardCharsets.UTF_8);
            assertThat(original).contains("message: \"${body}\"");

            Files.writeString(sinks, original.replace("message: \"${body}\"", "message: \"edited ${body}\""));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                int before = service.loggedMessages().size();
                service.post(query(SET), sample("set-metadata.json"));
                List<String> lines = service.loggedMessages();
                return lines.size() > before && lines.get(lines.size() - 1).startsWith("edited {");
            });

            Files.writeString(sinks, "- route:\n    id: sink-log\n  from: [this is not\n");
            // Give the watcher the same chance to act as the good edit had, then check the old
            // routes still serve: a broken edit must never leave the service without routes.
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
            int before = service.loggedMessages().size();
            HttpResponse<String> response = service.post(query(SET), sample("set-metadata.json"));
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> lines = service.loggedMessages();
            assertThat(lines.subList(before, lines.size())).hasSize(2).allMatch(l -> l.startsWith("edited {"));
        }
    }

    /** The value of the one sample of a Prometheus metric whose labels include all of the given ones. */
    static double metric(String exposition, String name, String... labels) {
        List<String> matches = exposition.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Stream.of(labels).allMatch(l::contains))
                .toList();
        assertThat(matches).as("%s%s in%n%s", name, List.of(labels), exposition).hasSize(1);
        String line = matches.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
