package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness with SINK=kafka (routes/health.camel.yaml): the check "kafka-sink" reports the broker
 * and the spool, and stays UP through a Kafka outage because the spool takes the webhooks; it is
 * DOWN only when the spool cannot be written.
 */
class KafkaHealthTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";
    static final String READY = "/observe/health/ready?data=true";

    static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new KafkaBroker().start();
        kafka.createTopic(TOPIC, 1, Map.of("cleanup.policy", "compact"));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static WebhookService kafkaSink(Path spoolDir) {
        return WebhookService.start("sink", "kafka", "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic", TOPIC, "spool.dir", spoolDir.toString(), "spool.drain.delay.ms", "100");
    }

    static HttpResponse<String> management(WebhookService service, String path) {
        return service.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.setting("management.port") + path)));
    }

    /** The HTTP status, the overall status and the kafka-sink check of one readiness answer. */
    record Readiness(int httpStatus, String status, Map<String, Object> check) {

        @SuppressWarnings("unchecked")
        static Readiness of(WebhookService service) throws Exception {
            return of(service, "kafka-sink");
        }

        @SuppressWarnings("unchecked")
        static Readiness of(WebhookService service, String name) throws Exception {
            HttpResponse<String> response = management(service, READY);
            Map<String, Object> root = JSON.readValue(response.body(), Map.class);
            List<Map<String, Object>> checks = (List<Map<String, Object>>) root.getOrDefault("checks", List.of());
            Map<String, Object> check = checks.stream()
                    .filter(c -> name.equals(c.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " check in " + response.body()));
            return new Readiness(response.statusCode(), (String) root.get("status"), check);
        }

        @SuppressWarnings("unchecked")
        Object data(String key) {
            return ((Map<String, Object>) check.get("data")).get(key);
        }

        void assertUp() {
            assertThat(httpStatus).as("HTTP status of %s", this).isEqualTo(200);
            assertThat(status).as("status of %s", this).isEqualTo("UP");
            assertThat(check.get("status")).as("kafka-sink of %s", this).isEqualTo("UP");
        }
    }

    @Test
    void readinessReportsKafkaAndTheSpoolAndStaysUpWhileKafkaIsDown(@TempDir Path spool) throws Exception {
        try (WebhookService service = kafkaSink(spool)) {
            assertThat(Readiness.of(service).data("kafka.reachable")).isEqualTo("unknown");
            // The producer connected while the routes started: the very first webhook goes straight to
            // Kafka, acknowledged before the answer, and nothing is spooled.
            assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
            Readiness ready = Readiness.of(service);
            assertThat(ready.data("kafka.reachable")).isEqualTo(true);
            assertThat(ready.data("spool.depth")).isEqualTo(0);
            ready.assertUp();
            assertThat(ready.check).containsEntry("status", "UP");
            assertThat(ready.data("check.group")).isEqualTo("tencent");
            assertThat((String) ready.data("check.kind")).endsWith("READINESS");
            assertThat(ready.data("sink")).isEqualTo("kafka");
            assertThat(ready.data("kafka.brokers")).isEqualTo(kafka.bootstrapServers());
            assertThat(ready.data("spool.dir")).isEqualTo(spool.toString());
            assertThat(ready.data("spool.depth")).isEqualTo(0);
            assertThat(ready.data("spool.oldest.age.ms")).isEqualTo(0);
            // Readiness only: liveness does not depend on Kafka or the spool.
            assertThat(management(service, "/observe/health/live?data=true").body()).doesNotContain("kafka-sink");

            kafka.stop();
            try {
                // Kafka does not acknowledge in time: the webhook is answered OK from the spool.
                HttpResponse<String> response = service.post(query(SET), sample("set-metadata.json"));
                assertThat(response.statusCode()).isEqualTo(200);

                ready = await().atMost(Duration.ofSeconds(10))
                        .until(() -> Readiness.of(service), r -> Boolean.FALSE.equals(r.data("kafka.reachable")));
                ready.assertUp();
                assertThat(((Number) ready.data("spool.depth")).intValue()).isEqualTo(2);
                assertThat(((Number) ready.data("spool.oldest.age.ms")).longValue()).isGreaterThanOrEqualTo(0);
                // And it stays so while Kafka is away and spool-drain keeps failing.
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
                ready = Readiness.of(service);
                ready.assertUp();
                assertThat(ready.data("kafka.reachable")).isEqualTo(false);
                assertThat(((Number) ready.data("spool.depth")).intValue()).isEqualTo(2);
                assertThat(((Number) ready.data("spool.oldest.age.ms")).longValue()).isGreaterThanOrEqualTo(2000);
                // The same figures as Prometheus gauges, after a garbage collection too: Micrometer
                // holds a gauge's object weakly, and a gauge whose object was collected reads NaN.
                System.gc();
                String metrics = service.management("/observe/metrics").body();
                assertThat(OperationsTest.metric(metrics, "tencent_spool_depth")).isEqualTo(2.0);
                assertThat(OperationsTest.metric(metrics, "tencent_spool_oldest_age_seconds")).isGreaterThanOrEqualTo(2.0);
            } finally {
                kafka.start();
            }

            // spool-drain delivers the spool once Kafka is back; readiness is UP all along.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Readiness r = Readiness.of(service);
                r.assertUp();
                return Boolean.TRUE.equals(r.data("kafka.reachable")) && Integer.valueOf(0).equals(r.data("spool.depth"));
            });
            assertThat(Readiness.of(service).data("spool.oldest.age.ms")).isEqualTo(0);
        }
    }

    @Test
    void readinessIsDownWhenTheSpoolCannotBeWritten(@TempDir Path dir) throws Exception {
        Path lost = dir.resolve("spool");
        try (WebhookService service = kafkaSink(lost)) {
            // A spool it cannot write stops the start (StartupChecksIT); this one is lost after it.
            try (java.util.stream.Stream<Path> files = Files.walk(lost)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            Files.writeString(lost, "a regular file, not a directory");
            Readiness ready = Readiness.of(service);

            assertThat(ready.httpStatus).isEqualTo(503);
            assertThat(ready.status).isEqualTo("DOWN");
            assertThat(ready.check).containsEntry("status", "DOWN")
                    .containsEntry("message", "spool.dir is not a writable directory");
            assertThat(ready.data("spool.dir")).isEqualTo(lost.toString());
            assertThat(ready.data("spool.depth")).isEqualTo(0);
        }
    }

    @Test
    void withAnotherSinkTheCheckIsUpAndSaysSo() throws Exception {
        try (WebhookService service = WebhookService.start("sink", "log")) {
            Readiness ready = Readiness.of(service, "log-sink");

            assertThat(ready.httpStatus).isEqualTo(200);
            assertThat(ready.check).containsEntry("status", "UP");
            assertThat(ready.data("sink")).isEqualTo("log");
            assertThat(ready.data("kafka.reachable")).isNull();
            assertThat(ready.data("spool.depth")).isNull();
        }
    }
}
