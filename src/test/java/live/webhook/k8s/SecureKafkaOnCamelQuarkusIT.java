package live.webhook.k8s;

import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.OK;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.TOKEN;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.message;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.post;
import static live.webhook.k8s.IntegrationOnCamelQuarkusIT.signed;
import static live.webhook.k8s.KustomizeTest.only;
import static live.webhook.k8s.Yaml.map;
import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.bench.KafkaCluster;
import live.webhook.bench.KafkaCluster.Listener;
import live.webhook.bench.KafkaSecurity;
import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured-Kafka overlays on Camel K's own runtime, against a real secured broker: the Integration
 * and the Pipe as {@code kubectl kustomize} builds an overlay, run as the operator runs them
 * (CamelKPod, on the Camel Quarkus applications of CamelQuarkusBuild), with Strimzi's Secrets as
 * {@link KafkaSecurity#strimziDir()} lays them out, mounted where the mount trait mounts them. The
 * broker is one node of {@link KafkaCluster#withSecurity()}: SASL_SSL (SCRAM-SHA-512) and mutual TLS
 * on a CA of its own.
 *
 * <p>Each test posts the sample SetMetadata webhook and reads its two records back over the secured
 * listener. What a cluster would have otherwise is all that is changed, as an operator would change
 * it: the broker's address, the test broker's SCRAM user name (the overlays name the KafkaUser
 * tencent-live-webhook-producer), and a topic of the test's own. Needs kubectl, as KustomizeTest.
 */
class SecureKafkaOnCamelQuarkusIT {

    static final Path DIR = Path.of("target", "secure-kafka-on-camel-quarkus");
    static final String CA_SECRET = "my-cluster-cluster-ca-cert";
    static final String USER_SECRET = "tencent-live-webhook-producer";
    static final Duration READ_BACK = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    static KafkaSecurity security;
    static KafkaCluster kafka;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(KustomizeTest.kubectl != null, "kubectl is not on the PATH");
        FileUtil.removeDir(DIR.toFile());
        long t0 = System.nanoTime();
        security = KafkaSecurity.create(DIR.resolve("security"));
        kafka = new KafkaCluster(1, DIR).withSecurity(security).withJvmOptions("-XX:TieredStopAtLevel=1").start();
        log("secured node serving after %d ms: %s", ms(t0), kafka);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theIntegrationOfTheScramOverlayDeliversThroughSaslSslWithThePkcs12Truststore(@TempDir Path pod) throws Exception {
        List<JsonNode> built = KustomizeTest.built("camel-k-kafka-scram-tls");
        Map<String, Object> integration = resource(only(built, "Integration"));
        assertThat(vars(integration)).contains("KAFKA_SECURITY_PROTOCOL=SASL_SSL", "KAFKA_SASL_MECHANISM=SCRAM-SHA-512",
                "KAFKA_SSL_TRUSTSTORE_LOCATION=/etc/kafka/cluster-ca/ca.p12", "KAFKA_SSL_TRUSTSTORE_TYPE=PKCS12");
        String topic = topic("integration-scram");

        CamelKPod.Builder builder = integrationPod(built, integration, pod)
                // A SCRAM-SHA-512 KafkaUser's Secret holds its password under the key password.
                .secretFiles(USER_SECRET, security.strimziDir(), "password")
                .env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SASL_SSL))
                .env("KAFKA_SASL_USERNAME", KafkaSecurity.SCRAM_USER)
                .env("KAFKA_TOPIC", topic);
        deliversTheSample(builder, "quarkus-kafka-scram-tls", topic, Listener.SASL_SSL);
    }

    @Test
    void theIntegrationOfTheMutualTlsOverlayDeliversThroughSsl(@TempDir Path pod) throws Exception {
        List<JsonNode> built = KustomizeTest.built("camel-k-kafka-mtls");
        Map<String, Object> integration = resource(only(built, "Integration"));
        assertThat(vars(integration)).contains("KAFKA_SECURITY_PROTOCOL=SSL", "KAFKA_SSL_KEYSTORE_LOCATION=/etc/kafka/user/user.p12");
        String topic = topic("integration-mtls");

        CamelKPod.Builder builder = integrationPod(built, integration, pod)
                // A tls KafkaUser's Secret: its certificate and key in user.p12, opened by user.password.
                .secretFiles(USER_SECRET, security.strimziDir(), "user.p12", "user.password")
                .env("KAFKA_BROKERS", kafka.bootstrapServers(Listener.SSL))
                .env("KAFKA_TOPIC", topic);
        deliversTheSample(builder, "quarkus-kafka-mtls", topic, Listener.SSL);
    }

    /** The catalogue's kafka-sink: SCRAM-SHA-512 by its saslAuthType, and a PKCS12 truststore although it cannot say so. */
    @Test
    void thePipeOfTheScramOverlayDeliversThroughTheCataloguesKafkaSink(@TempDir Path pod) throws Exception {
        Map<String, Object> pipe = resource(only(KustomizeTest.built("kamelets/pipe-to-kafka-scram-tls"), "Pipe"));
        String topic = topic("pipe-scram");
        Map<String, Object> sink = sinkProperties(pipe);
        assertThat(sink).containsEntry("saslAuthType", "SCRAM_SHA_512").containsEntry("sslTruststoreLocation", "/etc/kafka/cluster-ca/ca.p12");
        // What an operator edits in the Pipe: the broker, the user, the topic.
        sink.put("bootstrapServers", kafka.bootstrapServers(Listener.SASL_SSL));
        sink.put("saslUsername", KafkaSecurity.SCRAM_USER);
        sink.put("topic", topic);

        CamelKPod.Builder builder = pipePod(pipe, pod).secretFiles(USER_SECRET, security.strimziDir(), "password");
        deliversTheSample(builder, "quarkus-pipe-kafka-scram-tls", topic, Listener.SASL_SSL);
    }

    /** The catalogue's kafka-sink: mutual TLS by saslAuthType SSL, PKCS12 stores, the key opened by the store's password. */
    @Test
    void thePipeOfTheMutualTlsOverlayDeliversThroughTheCataloguesKafkaSink(@TempDir Path pod) throws Exception {
        Map<String, Object> pipe = resource(only(KustomizeTest.built("kamelets/pipe-to-kafka-mtls"), "Pipe"));
        String topic = topic("pipe-mtls");
        Map<String, Object> sink = sinkProperties(pipe);
        assertThat(sink).containsEntry("saslAuthType", "SSL").doesNotContainKey("sslKeyPassword");
        sink.put("bootstrapServers", kafka.bootstrapServers(Listener.SSL));
        sink.put("topic", topic);

        CamelKPod.Builder builder = pipePod(pipe, pod).secretFiles(USER_SECRET, security.strimziDir(), "user.p12", "user.password");
        deliversTheSample(builder, "quarkus-pipe-kafka-mtls", topic, Listener.SSL);
    }

    // ---------------------------------------------------------------------------------------------

    /** The overlay's Integration with its ConfigMap, the webhook's Secret and the cluster CA's Secret. */
    static CamelKPod.Builder integrationPod(List<JsonNode> built, Map<String, Object> integration, Path pod) {
        JsonNode configMap = built.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        Map<String, String> data = new HashMap<>();
        configMap.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return CamelKPod.of(integration, CamelQuarkusBuild.integration(), pod)
                .configMap(configMap.path("metadata").path("name").asText(), data)
                .secret(Manifests.NAME, Map.of("TENCENT_SDKAPPID", SDKAPPID, "TENCENT_CALLBACK_TOKEN", TOKEN))
                .secretFiles(CA_SECRET, security.strimziDir(), "ca.crt", "ca.p12", "ca.password");
    }

    /** The Integration the operator makes of the overlay's Pipe, both Kamelets mounted as the operator mounts them. */
    static CamelKPod.Builder pipePod(Map<String, Object> pipe, Path pod) {
        return CamelKPod.of(CamelKPod.pipeIntegration(pipe, null), CamelQuarkusBuild.pipeToKafka(), pod)
                .secret(Manifests.NAME, Map.of("TENCENT_SDKAPPID", SDKAPPID, "TENCENT_CALLBACK_TOKEN", TOKEN))
                .secretFiles(CA_SECRET, security.strimziDir(), "ca.crt", "ca.p12", "ca.password")
                .kamelet(CamelKPod.kameletResource())
                .kamelet(CamelKPod.catalogueKamelet("kafka-sink"))
                // No health trait on the Pipe: ready once its route answers on the webhook path.
                .readyWhenWebhookPort("/callback", 405);
    }

    /** Starts the pod, posts the sample SetMetadata webhook, and reads its two records back over the listener. */
    static void deliversTheSample(CamelKPod.Builder builder, String logName, String topic, Listener listener) throws Exception {
        long t0 = System.nanoTime();
        try (CamelKPod pod = builder.start(logName)) {
            long started = System.nanoTime();
            HttpResponse<String> response = post(pod, signed(SET), sample("set-metadata.json"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(OK);

            List<ConsumerRecord<String, String>> records = consume(listener, topic, 2);
            assertThat(records).extracting(ConsumerRecord::key, ConsumerRecord::value).containsExactlyInAnyOrder(
                    tuple("[\"live-room1111\",\"key1\"]", message(SET, "key1", "value1")),
                    tuple("[\"live-room1111\",\"key2\"]", message(SET, "key2", "value2")));
            log("%s: pod ready in %d ms, the sample's records read back %d ms after it", logName,
                    (started - t0) / 1_000_000, ms(started));
        }
    }

    /** The first n records of the topic's one partition, read over the listener as this class's client. */
    static List<ConsumerRecord<String, String>> consume(Listener listener, String topic, int n) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig(listener));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await(n + " records of " + topic).atMost(READ_BACK).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
                        return read.size() >= n;
                    });
        }
        return read;
    }

    static String topic(String name) {
        String topic = "tencent.live.room-metadata." + name;
        kafka.createTopic(topic, 1, 1, Map.of("cleanup.policy", "compact"));
        return topic;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resource(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }

    static Map<String, Object> sinkProperties(Map<String, Object> pipe) {
        return map(map(map(pipe.get("spec")).get("sink")).get("properties"));
    }

    static List<String> vars(Map<String, Object> integration) {
        return Yaml.list(map(map(map(integration.get("spec")).get("traits")).get("environment")).get("vars"))
                .stream().map(String::valueOf).toList();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("[SecureKafkaOnCamelQuarkusIT] " + String.format(format, args));
    }

}
