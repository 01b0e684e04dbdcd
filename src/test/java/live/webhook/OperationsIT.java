package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the packaged service as a process shows: its log format and SIGTERM. */
class OperationsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> post(ServiceProcess service, String query, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(service.uri("/callback" + query)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLine() throws Exception {
        Path log = ServiceProcess.logFile("json-logs");
        java.nio.file.Files.deleteIfExists(log);
        try (ServiceProcess service = new ServiceProcess(Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID,
                "LOG_FORMAT", "json"), log).start()) {
            assertThat(post(service, query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
            assertThat(post(service, "?SdkAppid=999&CallbackCommand=" + SET + "&ClientIP=10.1.2.3", "{}").statusCode()).isEqualTo(403);
            // 143 = 128 + SIGTERM, what the JVM reports after its shutdown hooks ran.
            assertThat(service.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(log)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("loggerName").asText()).isEqualTo("tencent.live.room-metadata");
            assertThat(JSON.readTree(l.path("message").asText()).path("data").path("Key").asText()).isEqualTo("key1");
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("level").asText()).isEqualTo("WARN");
            assertThat(l.path("message").asText()).contains("4030 SdkAppid is not accepted")
                    .contains("SdkAppid 999").contains("ClientIP 10.1.2.3").contains(SET);
        });
    }

    @Test
    void sigtermFinishesWebhooksInFlightAndFlushesKafka(@TempDir Path spool) throws Exception {
        try (KafkaBroker kafka = new KafkaBroker().start()) {
            String topic = "tencent.live.room-metadata";
            kafka.createTopic(topic, 3, Map.of("cleanup.policy", "compact"));
            // A long linger keeps every webhook in flight for about a second, waiting for Kafka.
            Map<String, String> env = Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID, "SINK", "kafka",
                    "KAFKA_BROKERS", kafka.bootstrapServers(), "SPOOL_DIR", spool.toString(),
                    "KAFKA_LINGER_MS", "1000", "KAFKA_REQUEST_TIMEOUT_MS", "800", "KAFKA_DELIVERY_TIMEOUT_MS", "1900");
            try (ServiceProcess service = new ServiceProcess(env, ServiceProcess.logFile("sigterm")).start()) {
                // Warm up until a webhook goes to Kafka itself: on a busy machine the first one can take
                // longer than max.block.ms to learn the topic and be spooled, and while the spool holds
                // anything new webhooks join it instead of waiting for Kafka.
                await("a webhook sent to Kafka, not spooled").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(600))
                        .until(() -> {
                            assertThat(post(service, query(SET), sample("set-metadata.json").replace("live-room1111", "warm-up"))
                                    .statusCode()).isEqualTo(200);
                            return live.webhook.support.SpoolFiles.messages(spool).isEmpty();
                        });

                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String body = JSON.writeValueAsString(LogSinkTest.webhook(SET, "term-" + i, List.of(
                            Map.of("Key", "a", "Value", "a" + i), Map.of("Key", "b", "Value", "b" + i))));
                    answers.add(HTTP.sendAsync(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                            .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                await("20 webhooks in flight").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> inflight(service) >= 20);

                long started = System.nanoTime();
                int exit = service.terminate(Duration.ofSeconds(30));

                assertThat(exit).isIn(0, 143);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(16));
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    assertThat(answer.get().statusCode()).isEqualTo(200);
                    assertThat(answer.get().body()).isEqualTo(LogSinkTest.OK);
                }
            }
            List<ConsumerRecord<String, String>> records = kafka.consume(topic, 42, Duration.ofSeconds(30));
            assertThat(records.stream().filter(r -> r.key().startsWith("[\"term-")).map(ConsumerRecord::key).distinct())
                    .hasSize(40);
        }
    }

    /** Exchanges in flight in webhook-receive, from the service's own Prometheus metrics. */
    static double inflight(ServiceProcess service) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + service.managementPort() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(l -> l.startsWith("tencent_webhooks_in_flight "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
