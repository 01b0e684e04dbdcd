package live.webhook.k8s;

import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.OK;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.assertNoTencentSeriesIsNaN;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.get;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.message;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.metricOrZero;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.post;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.signed;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.startIntegration;
import static live.webhook.support.KafkaBroker.header;
import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.RoutedFiles;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file and Kafka sinks of the generated Integration on Camel Quarkus, chosen the way the README
 * tells an operator to: a variable added to the environment trait (SINK, KAFKA_BROKERS). The paths
 * are those of the environment trait, on the mount trait's emptyDir.
 */
class SinksOnCamelQuarkusIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";

    @Test
    void theFileSinkWritesTheSampleAsJsonLinesOnTheVolume(@TempDir Path pod) throws Exception {
        try (CamelKPod integration = startIntegration(pod, "quarkus-file-sink", Map.of("SINK", "file"))) {
            // SINK_FILE_DIR of the environment trait, on the claim of the mount trait.
            Path out = integration.path("/var/lib/tencent-live-webhook/out");

            HttpResponse<String> response = post(integration, signed(SET), sample("set-metadata.json"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(OK);
            // The answer comes once the file is complete (written under a dot-name, then renamed).
            List<Path> files = RoutedFiles.files(out);
            assertThat(files).hasSize(1);
            assertThat(files.get(0).getFileName().toString()).doesNotStartWith(".").endsWith(".jsonl");
            assertThat(RoutedFiles.lines(out).stream().map(live.webhook.support.Events::dataText))
                    .containsExactly(message(SET, "key1", "value1"), message(SET, "key2", "value2"));
        }
    }

    @Test
    void theKafkaSinkDeliversAndSpoolsWhileTheBrokerIsDownThenDeliversTheSpool(@TempDir Path pod) throws Exception {
        try (KafkaBroker kafka = new KafkaBroker().start()) {
            kafka.createTopic(TOPIC, 1, Map.of("cleanup.policy", "compact"));
            try (CamelKPod integration = startIntegration(pod, "quarkus-kafka-sink", Map.of(
                    "SINK", "kafka", "KAFKA_BROKERS", kafka.bootstrapServers(), "SPOOL_DRAIN_DELAY_MS", "100"))) {
                // SPOOL_DIR of the environment trait, an emptyDir of the mount trait.
                Path spool = integration.path("/var/lib/tencent-live-webhook/spool");

                assertThat(post(integration, signed(SET), sample("set-metadata.json")).body()).isEqualTo(OK);
                List<ConsumerRecord<String, String>> records = kafka.consume(TOPIC, 2, Duration.ofSeconds(30));
                // The records of one webhook are sent at once: their order is Kafka's, per key it is kept.
                assertThat(records).extracting(ConsumerRecord::key, ConsumerRecord::value).containsExactlyInAnyOrder(
                        tuple("[\"live-room1111\",\"key1\"]", message(SET, "key1", "value1")),
                        tuple("[\"live-room1111\",\"key2\"]", message(SET, "key2", "value2")));
                assertThat(records).allSatisfy(r -> assertThat(header(r, "CallbackCommand")).isEqualTo(SET));

                kafka.stop();
                try {
                    // Kafka does not acknowledge: the webhook is answered OK from the spool, within Tencent's 2 s.
                    long started = System.nanoTime();
                    HttpResponse<String> spooled = post(integration, signed(DEL), sample("del-metadata.json"));
                    assertThat(spooled.statusCode()).isEqualTo(200);
                    assertThat(spooled.body()).isEqualTo(OK);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                    assertThat(spoolFiles(spool)).hasSize(2);

                    Map<String, Object> check = await().atMost(Duration.ofSeconds(10))
                            .until(() -> kafkaSinkCheck(integration), c -> "false".equals(data(c).get("kafka.reachable")));
                    assertThat(check).containsEntry("status", "UP");
                    assertThat(data(check)).containsEntry("spool.dir", spool.toString());
                    assertThat(data(check)).containsEntry("spool.depth", "2");

                    // The spool gauges, after a garbage collection in the pod: not NaN, the spool's figures.
                    integration.collectGarbage();
                    String metrics = metrics(integration);
                    assertNoTencentSeriesIsNaN(metrics);
                    assertThat(metricOrZero(metrics, "tencent_spool_depth")).isEqualTo(2.0);
                    assertThat(metrics).containsPattern("(?m)^tencent_spool_oldest_age_seconds(\\{[^}]*})? [0-9.eE+-]+$");
                    assertThat(metricOrZero(metrics, "tencent_spool_written_total")).isEqualTo(2.0);
                } finally {
                    kafka.start();
                }

                // Delivered once Kafka is back, after what Kafka already had: 4 records, the spooled
                // ones tombstones of the deleted keys.
                records = await().atMost(Duration.ofSeconds(60)).until(() -> kafka.consume(TOPIC, 4, Duration.ofSeconds(5)),
                        r -> r.size() >= 4);
                // (Delivery is at least once: a record acknowledged just too late is spooled and sent again.)
                List<ConsumerRecord<String, String>> delivered = records.subList(2, records.size());
                assertThat(delivered).extracting(ConsumerRecord::key).containsOnly(
                        "[\"live-room1111\",\"key1\"]", "[\"live-room1111\",\"key2\"]")
                        .contains("[\"live-room1111\",\"key1\"]", "[\"live-room1111\",\"key2\"]");
                assertThat(delivered).allSatisfy(r -> {
                    assertThat(r.value()).isNull();
                    assertThat(header(r, "CallbackCommand")).isEqualTo(DEL);
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> spoolFiles(spool).isEmpty());
                integration.collectGarbage();
                String metrics = await().atMost(Duration.ofSeconds(10)).until(() -> metrics(integration),
                        m -> metricOrZero(m, "tencent_spool_delivered_total") == 2.0);
                assertNoTencentSeriesIsNaN(metrics);
                assertThat(metricOrZero(metrics, "tencent_spool_depth")).isEqualTo(0.0);
                assertThat(metricOrZero(metrics, "tencent_spool_oldest_age_seconds")).isEqualTo(0.0);
                Map<String, Object> check = kafkaSinkCheck(integration);
                assertThat(check).containsEntry("status", "UP");
                assertThat(data(check)).containsEntry("kafka.reachable", "true").containsEntry("spool.depth", "0");
            }
        }
    }

    /** The messages in the spool. */
    static List<Map<String, Object>> spoolFiles(Path spool) {
        return live.webhook.support.SpoolFiles.messages(spool);
    }

    static String metrics(CamelKPod integration) throws Exception {
        HttpResponse<String> response = get(integration.management("/observe/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /**
     * The kafka-sink check of the readiness answer, which must be UP (200) whatever Kafka does. Its
     * data are text here (SmallRye Health's JSON), where camel-main's management server keeps numbers
     * and booleans.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> kafkaSinkCheck(CamelKPod integration) throws Exception {
        HttpResponse<String> response = get(integration.management("/observe/health/ready"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Map<String, Object>> checks = (List<Map<String, Object>>) JSON.readValue(response.body(), Map.class).get("checks");
        return checks.stream().filter(c -> "kafka-sink".equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no kafka-sink check in " + response.body()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> data(Map<String, Object> check) {
        return (Map<String, String>) check.get("data");
    }
}
