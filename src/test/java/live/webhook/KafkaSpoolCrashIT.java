package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool survives SIGKILL: messages spooled while Kafka was down reach Kafka after the
 * service is killed and started again, by the packaged jar, as a separate process.
 */
class KafkaSpoolCrashIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";

    @TempDir
    Path spool;

    @Test
    void spooledMessagesArriveAfterKillAndRestart() throws Exception {
        try (KafkaBroker kafka = new KafkaBroker().start()) {
            kafka.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact"));
            kafka.stop();
            Map<String, String> env = Map.of(
                    "TENCENT_SDKAPPID", WebhookService.SDKAPPID,
                    "SINK", "kafka",
                    "KAFKA_BROKERS", kafka.bootstrapServers(),
                    "KAFKA_TOPIC", TOPIC,
                    "SPOOL_DIR", spool.toString(),
                    "SPOOL_DRAIN_DELAY_MS", "100");
            Path log = ServiceProcess.logFile("crash");
            HttpClient http = HttpClient.newHttpClient();

            try (ServiceProcess service = new ServiceProcess(env, log).start()) {
                for (int i = 0; i < 10; i++) {
                    String body = JSON.writeValueAsString(LogSinkTest.webhook(SET, "crash-" + i, List.of(
                            Map.of("Key", "a", "Value", "a" + i), Map.of("Key", "b", "Value", "b" + i))));
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                }
                assertThat(spooled()).hasSize(20);
                service.kill();
            }
            assertThat(spooled()).as("the spool after SIGKILL").hasSize(20);

            kafka.start();
            try (ServiceProcess restarted = new ServiceProcess(env, log).start()) {
                List<ConsumerRecord<String, String>> records = kafka.consume(TOPIC, 20, Duration.ofSeconds(60));
                assertThat(records).hasSize(20);
                assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(20);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> spooled().isEmpty());
            }
        }
    }

    /** The messages in the spool. */
    List<Map<String, Object>> spooled() {
        return SpoolFiles.messages(spool);
    }
}
