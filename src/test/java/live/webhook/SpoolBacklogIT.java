package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that starts on a large spool an earlier run left (100,000 messages, two minutes old), with
 * Kafka up: it is ready at once and stays ready while spool-drain delivers the backlog (a backlog is
 * what the spool is for, not a reason to leave the Service); its gauges tell the truth all along (the
 * oldest message's age is never 0 while messages wait); and the spool empties within a bound with
 * every message on the topic.
 */
class SpoolBacklogIT {

    static final String TOPIC = "tencent.live.room-metadata";
    static final int WEBHOOKS = 50_000;

    @TempDir
    Path spool;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyWithABacklogAndTheGaugesTellTheTruthWhileItDrains() throws Exception {
        long leftAt = System.currentTimeMillis() - 120_000;
        SpoolFiles.leftByAnEarlierRun(spool, "backlog-room", WEBHOOKS, 2, leftAt);
        try (KafkaBroker kafka = new KafkaBroker().start()) {
            kafka.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact"));
            Map<String, String> env = Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID, "SINK", "kafka",
                    "KAFKA_BROKERS", kafka.bootstrapServers(), "KAFKA_TOPIC", TOPIC, "SPOOL_DIR", spool.toString());
            Path log = ServiceProcess.logFile("backlog");
            java.nio.file.Files.deleteIfExists(log);
            try (ServiceProcess service = new ServiceProcess(env, log).start()) {
                assertThat(service.output()).contains("Found " + 2 * WEBHOOKS + " messages in the spool");
                // Ready (start() waited for it) with the backlog still there, and so every time it is asked
                // until the spool is empty; the age is that of the oldest message still waiting.
                List<double[]> samples = new ArrayList<>();
                await("the spool delivered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    HttpResponse<String> ready = get(service, "/observe/health/ready");
                    assertThat(ready.statusCode()).as("readiness while the spool drains: %s", ready.body()).isEqualTo(200);
                    String metrics = get(service, "/observe/metrics").body();
                    double depth = OperationsTest.metric(metrics, "tencent_spool_depth");
                    double age = OperationsTest.metric(metrics, "tencent_spool_oldest_age_seconds");
                    samples.add(new double[] {depth, age});
                    if (depth > 0) {
                        assertThat(age).as("the oldest age with %s messages waiting", depth).isGreaterThanOrEqualTo(120.0);
                    }
                    return depth == 0;
                });
                assertThat(samples).as("the backlog was seen while it drained").anySatisfy(s -> assertThat(s[0]).isGreaterThan(0));
                assertThat(samples.get(samples.size() - 1)[1]).isZero();
            }
            List<ConsumerRecord<String, String>> records = kafka.consume(TOPIC, 2 * WEBHOOKS, Duration.ofSeconds(60));
            Set<String> delivered = new HashSet<>();
            for (ConsumerRecord<String, String> record : records) {
                delivered.add(record.key() + " " + record.value());
            }
            assertThat(delivered).hasSize(2 * WEBHOOKS);
        }
    }

    HttpResponse<String> get(ServiceProcess service, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
