package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod that goes away during a Kafka outage, and the pod that replaces it on the same volume (the
 * StatefulSet's claim), as real processes of the packaged jar against a real broker: instance A
 * spools webhooks and is killed (SIGKILL); instance B finds A's spool, spools more and is stopped
 * (SIGTERM), saying how many messages it left; the replacement C finds them all, shows them in its
 * gauges, and once the broker is back delivers every message answered OK exactly as it would have
 * gone out at once: the same key, value, headers and timestamp (the webhook's EventTime) as the same
 * webhooks sent while Kafka is up, each key's records in the order the webhooks came, no duplicate.
 */
class SpoolReplacementIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";
    static final String ROOM = "replaced-pod-room";
    static final long EVENT_TIME = 1739965885831L;
    static final int PER_INSTANCE = 8;

    @TempDir
    Path spool;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void whatAPodAnsweredOkReachesKafkaFromThePodThatReplacesIt() throws Exception {
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

            // A: answers OK while Kafka is down (all spooled), then is killed.
            try (ServiceProcess a = new ServiceProcess(env, fresh("replaced-a")).start()) {
                for (int i = 0; i < PER_INSTANCE; i++) {
                    assertThat(post(a, i).statusCode()).isEqualTo(200);
                }
                assertThat(spooled()).hasSize(2 * PER_INSTANCE);
                a.kill();
            }

            // B: the replacement after the crash finds A's spool, takes more, and is stopped by SIGTERM.
            ServiceProcess b = new ServiceProcess(env, fresh("replaced-b")).start();
            try {
                assertThat(b.output()).contains("Found " + 2 * PER_INSTANCE + " messages in the spool (SPOOL_DIR " + spool
                        + ") left by an earlier run, the oldest waiting for ");
                for (int i = PER_INSTANCE; i < 2 * PER_INSTANCE; i++) {
                    assertThat(post(b, i).statusCode()).isEqualTo(200);
                }
                assertThat(spooled()).hasSize(4 * PER_INSTANCE);
                // Within camel.main.shutdown-timeout (15 s) and the JVM's exit, as the pod's grace period allows.
                b.terminate(Duration.ofSeconds(30));
                assertThat(b.output()).contains("Stopped with " + 4 * PER_INSTANCE + " messages in the spool (SPOOL_DIR "
                        + spool + "): they are delivered when the service starts again with this spool");
            } finally {
                b.close();
            }
            assertThat(spooled()).as("the spool after SIGTERM").hasSize(4 * PER_INSTANCE);
            assertThat(SpoolFiles.strays(spool)).as("nothing but the spool's segments, cursor and lock").isEmpty();

            // C: the replacement pod, Kafka still down: its start-up line and its gauges show the spool.
            try (ServiceProcess c = new ServiceProcess(env, fresh("replaced-c")).start()) {
                assertThat(c.output()).contains("Found " + 4 * PER_INSTANCE + " messages in the spool (SPOOL_DIR " + spool
                        + ") left by an earlier run");
                String metrics = get(c, "/observe/metrics");
                assertThat(OperationsTest.metric(metrics, "tencent_spool_depth")).isEqualTo(4 * PER_INSTANCE);
                assertThat(OperationsTest.metric(metrics, "tencent_spool_oldest_age_seconds")).isPositive();

                kafka.start();
                List<ConsumerRecord<String, String>> replayed = kafka.consume(TOPIC, 4 * PER_INSTANCE, Duration.ofSeconds(90));
                assertThat(replayed).hasSize(4 * PER_INSTANCE);
                await("the spool delivered").atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
                // Once drained, spool-drain lets webhooks go to Kafka at once again (its next poll finds the
                // spool empty): send the same webhooks so, for what each record would have been without
                // the outage. The spool's written counter shows none of them was spooled.
                await("the drain's poll of the empty spool").pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                        .until(() -> OperationsTest.metric(get(c, "/observe/metrics"), "tencent_spool_depth") == 0);
                double writtenBefore = counter(get(c, "/observe/metrics"), "tencent_spool_written_total");
                for (int i = 0; i < 2 * PER_INSTANCE; i++) {
                    assertThat(post(c, i).statusCode()).isEqualTo(200);
                }
                assertThat(counter(get(c, "/observe/metrics"), "tencent_spool_written_total")).isEqualTo(writtenBefore);
                List<ConsumerRecord<String, String>> all = kafka.consume(TOPIC, 8 * PER_INSTANCE, Duration.ofSeconds(60));
                assertThat(all).hasSize(8 * PER_INSTANCE);

                Map<String, List<ConsumerRecord<String, String>>> byKey = all.stream()
                        .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                        .collect(Collectors.groupingBy(ConsumerRecord::key, LinkedHashMap::new, Collectors.toList()));
                assertThat(byKey).containsOnlyKeys("[\"" + ROOM + "\",\"a\"]", "[\"" + ROOM + "\",\"b\"]");
                for (Map.Entry<String, List<ConsumerRecord<String, String>>> key : byKey.entrySet()) {
                    List<ConsumerRecord<String, String>> records = key.getValue();
                    assertThat(records).as(key.getKey()).hasSize(4 * PER_INSTANCE);
                    String name = key.getKey().contains("\"a\"") ? "a" : "b";
                    for (int i = 0; i < 2 * PER_INSTANCE; i++) {
                        ConsumerRecord<String, String> fromSpool = records.get(i);
                        ConsumerRecord<String, String> direct = records.get(2 * PER_INSTANCE + i);
                        // Per key, the webhooks' order: A's, then B's, whatever the restarts in between.
                        assertThat(JSON.readTree(fromSpool.value()).path("Value").asText()).as("%s record %d", key.getKey(), i)
                                .isEqualTo(name + i);
                        assertThat(fromSpool.timestamp()).as("the webhook's EventTime").isEqualTo(EVENT_TIME + i);
                        assertThat(fromSpool.value()).isEqualTo(direct.value());
                        assertThat(fromSpool.timestamp()).isEqualTo(direct.timestamp());
                        assertThat(fromSpool.timestampType()).isEqualTo(direct.timestampType());
                        assertThat(headers(fromSpool)).isEqualTo(headers(direct));
                    }
                }
            }
        }
    }

    /**
     * A pod stopped while it delivers a spool to a reachable Kafka: it goes on delivering (more than one
     * batch of a thousand messages), exits in time, and says how many messages it left; those reach
     * Kafka from the next pod on the spool. Nothing is lost and nothing is sent twice but what the
     * README allows.
     */
    @Test
    void aPodStoppedWhileItDrainsGoesOnDeliveringAndLeavesTheRestForTheNext() throws Exception {
        int webhooks = 1500;
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
            ServiceProcess d = new ServiceProcess(env, fresh("draining-d")).start();
            int left;
            try {
                for (int i = 0; i < webhooks; i++) {
                    assertThat(post(d, "drain-room-" + i, i).statusCode()).isEqualTo(200);
                }
                assertThat(spooled()).hasSize(2 * webhooks);
                kafka.start();
                await("the drain under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> spooled().size() < 2 * webhooks);
                long stopping = System.nanoTime();
                d.terminate(Duration.ofSeconds(30));
                assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(20));
                left = spooled().size();
                // Stopped with the drain under way, it delivered on: more than the one batch under way.
                assertThat(2 * webhooks - left).isGreaterThan(1000);
                String output = d.output();
                assertThat(output).contains(left == 0 ? "Stopped with an empty spool (SPOOL_DIR " + spool + ")"
                        : "Stopped with " + (left == 1 ? "1 message" : left + " messages") + " in the spool (SPOOL_DIR " + spool + ")");
                assertThat(output).doesNotContain("Timeout occurred during graceful shutdown");
            } finally {
                d.close();
            }
            // On the topic now: every message that is no longer in the spool.
            List<ConsumerRecord<String, String>> delivered = kafka.consume(TOPIC, 2 * webhooks - left, Duration.ofSeconds(30));
            assertThat(ids(delivered)).hasSize(2 * webhooks - left);

            try (ServiceProcess e = new ServiceProcess(env, fresh("draining-e")).start()) {
                // Every message, by its id (a repeat can fill the count before the last one arrives).
                List<ConsumerRecord<String, String>> all = await("every message delivered").atMost(Duration.ofSeconds(90))
                        .until(() -> kafka.consume(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(2)), r -> ids(r).size() == 2 * webhooks);
                assertThat(ids(all)).hasSize(2 * webhooks);
                await("the spool delivered").atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
                // A repeat only where the README allows one: at most the batch acknowledged just before the stop.
                assertThat(kafka.consume(TOPIC, Integer.MAX_VALUE, Duration.ofSeconds(3))).hasSizeBetween(2 * webhooks, 2 * webhooks + 1000);
            }
        }
    }

    static java.util.Set<String> ids(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> KafkaBroker.header(r, "ce_id")).collect(Collectors.toSet());
    }

    HttpResponse<String> post(ServiceProcess service, int i) throws Exception {
        return post(service, ROOM, i);
    }

    /** Webhook i: keys a and b of ROOM, values a<i> and b<i>, EventTime EVENT_TIME + i, a trace of its own. */
    HttpResponse<String> post(ServiceProcess service, String room, int i) throws Exception {
        Map<String, Object> webhook = LogSinkTest.webhook(SET, room, List.of(
                Map.of("Key", "a", "Value", "a" + i), Map.of("Key", "b", "Value", "b" + i)));
        webhook.put("EventTime", EVENT_TIME + i);
        String traceparent = "00-%032x-%016x-01".formatted(0xabc000L + i, 0xdef000L + i);
        return http.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                .header("Content-Type", "application/json").header("traceparent", traceparent)
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(webhook))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String get(ServiceProcess service, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.managementPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static double counter(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.E+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    static List<String> headers(ConsumerRecord<String, String> record) {
        List<String> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        headers.sort(null);
        return headers;
    }

    static Path fresh(String name) throws Exception {
        Path log = ServiceProcess.logFile(name);
        Files.deleteIfExists(log);
        return log;
    }

    /** The messages in the spool. */
    List<Map<String, Object>> spooled() {
        return SpoolFiles.messages(spool);
    }
}
