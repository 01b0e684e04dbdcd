package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.bench.KafkaCluster;
import live.webhook.bench.KafkaCluster.Listener;
import live.webhook.bench.KafkaSecurity;
import live.webhook.support.ServiceProcess;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service against a real secured broker (certificates made by the test with keytool):
 * the sample webhook's records arrive through SASL_SSL with SCRAM-SHA-512 (a PKCS12 truststore), with
 * PLAIN (a PEM truststore), and through mutual TLS (a PKCS12 keystore); a wrong password is a Kafka
 * failure like any other, the webhook answered OK from the spool and readiness saying that Kafka
 * refused the credentials, and the spool delivered once the service runs with the right one. No
 * password is in any line the service wrote.
 */
class KafkaSecurityIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";

    static KafkaCluster kafka;
    static KafkaSecurity security;

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();
    final List<ServiceProcess> started = new ArrayList<>();

    @BeforeAll
    static void secureKafka() {
        kafka = new KafkaCluster(1, null).withJvmOptions("-XX:TieredStopAtLevel=1").withSecurity().start();
        kafka.createTopic(TOPIC, 3, 1, Map.of("cleanup.policy", "compact"));
        security = kafka.security();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    Map<String, String> env(String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID, "SINK", "kafka",
                "KAFKA_TOPIC", TOPIC, "SPOOL_DIR", work.resolve("spool").toString(), "SPOOL_DRAIN_DELAY_MS", "100"));
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    ServiceProcess start(String name, Map<String, String> env) throws Exception {
        Path log = ServiceProcess.logFile("kafka-security-" + name);
        Files.deleteIfExists(log);
        ServiceProcess service = new ServiceProcess(env, log).start();
        started.add(service);
        return service;
    }

    @org.junit.jupiter.api.AfterEach
    void stopServices() throws Exception {
        for (ServiceProcess service : started) {
            service.close();
        }
    }

    HttpResponse<String> post(ServiceProcess service, String room) throws Exception {
        String body = WebhookService.sample("set-metadata.json").replace("live-room1111", room);
        return http.send(HttpRequest.newBuilder(service.uri("/callback" + WebhookService.query(WebhookService.SET)))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The records of a room, read through the plaintext listener, once there are at least that many. */
    static List<ConsumerRecord<String, String>> recordsOf(String room, int expected) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(TOPIC)) {
                partitions.add(new TopicPartition(TOPIC, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("records of " + room).atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.key().contains("\"" + room + "\"")) {
                        mine.add(r);
                    }
                }
                return mine.size() >= expected;
            });
        }
        return mine;
    }

    void assertDelivered(ServiceProcess service, String room) throws Exception {
        HttpResponse<String> answer = post(service, room);
        assertThat(answer.statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, String>> records = recordsOf(room, 2);
        assertThat(records).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("[\"" + room + "\",\"key1\"]", "[\"" + room + "\",\"key2\"]");
        assertThat(SpoolFiles.messages(work.resolve("spool"))).as("delivered straight, not spooled").isEmpty();
    }

    void assertNoPasswordIn(ServiceProcess service) throws Exception {
        String output = service.output();
        for (String password : List.of(security.scram().password(), security.plain().password(),
                security.tls().truststore().password(), security.tls().clientKeystore().password())) {
            assertThat(output).as("the service's output").doesNotContain(password);
        }
    }

    @Test
    void scramSha512OverSaslSslWithAPkcs12Truststore() throws Exception {
        ServiceProcess service = start("scram", env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SASL_SSL),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", security.scram().username(), "KAFKA_SASL_PASSWORD", security.scram().password(),
                "KAFKA_SSL_TRUSTSTORE_LOCATION", security.tls().truststore().location().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", security.tls().truststore().password()));
        assertDelivered(service, "scram-room");
        assertNoPasswordIn(service);
    }

    @Test
    void plainOverSaslSslWithAPemTruststore() throws Exception {
        ServiceProcess service = start("plain", env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SASL_SSL),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", security.plain().username(), "KAFKA_SASL_PASSWORD", security.plain().password(),
                "KAFKA_SSL_TRUSTSTORE_LOCATION", security.tls().pemTruststore().location().toString(),
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"));
        assertDelivered(service, "plain-room");
        assertNoPasswordIn(service);
    }

    @Test
    void mutualTlsWithAPkcs12Keystore() throws Exception {
        ServiceProcess service = start("mtls", env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SSL),
                "KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", security.tls().truststore().location().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", security.tls().truststore().password(),
                "KAFKA_SSL_KEYSTORE_LOCATION", security.tls().clientKeystore().location().toString(),
                "KAFKA_SSL_KEYSTORE_PASSWORD", security.tls().clientKeystore().password()));
        assertDelivered(service, "mtls-room");
        assertNoPasswordIn(service);
    }

    @Test
    void aWrongPasswordSpoolsSaysWhyInReadinessAndShowsNoPassword() throws Exception {
        String wrong = "wrong-" + security.scram().password();
        Map<String, String> env = env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SASL_SSL),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_USERNAME", security.scram().username(), "KAFKA_SASL_PASSWORD", wrong,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", security.tls().truststore().location().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", security.tls().truststore().password());
        ServiceProcess refused = start("wrong-password", env);
        HttpResponse<String> answer = post(refused, "refused-room");
        assertThat(answer.statusCode()).as("answered OK from the spool").isEqualTo(200);
        assertThat(SpoolFiles.messages(work.resolve("spool"))).hasSize(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> check = await("readiness says Kafka refused the credentials").atMost(Duration.ofSeconds(30))
                .until(() -> kafkaSinkCheck(refused), c -> ((Map<String, Object>) c.get("data")).containsKey("kafka.authentication.failure"));
        assertThat(check).containsEntry("status", "UP")
                .containsEntry("message", "Kafka refused this service's credentials (authentication failed): webhooks go to the spool");
        assertThat(String.valueOf(((Map<?, ?>) check.get("data")).get("kafka.authentication.failure"))).contains("Authentication failed");
        String output = refused.output();
        assertThat(output).doesNotContain(wrong);
        assertNoPasswordIn(refused);
        refused.terminate(Duration.ofSeconds(30));

        // The same spool, the right password: what was answered OK arrives.
        env.put("KAFKA_SASL_PASSWORD", security.scram().password());
        ServiceProcess fixed = start("right-password", env);
        assertThat(recordsOf("refused-room", 2)).hasSize(2);
        await("the spool delivered").atMost(Duration.ofSeconds(30)).until(() -> SpoolFiles.messages(work.resolve("spool")).isEmpty());
        assertNoPasswordIn(fixed);
        assertThat(fixed.output()).doesNotContain(wrong);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> kafkaSinkCheck(ServiceProcess service) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.managementPort() + "/observe/health/ready?data=true"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> root = JSON.readValue(response.body(), Map.class);
        return ((List<Map<String, Object>>) root.get("checks")).stream().filter(c -> "kafka-sink".equals(c.get("name")))
                .findFirst().orElseThrow();
    }
}
