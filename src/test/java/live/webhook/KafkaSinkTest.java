package live.webhook;

import static live.webhook.support.KafkaBroker.header;
import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.Events;
import live.webhook.kafka.Spool;
import live.webhook.support.KafkaBroker;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SINK=kafka against a real KRaft broker, read back with a real KafkaConsumer. */
class KafkaSinkTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";

    @TempDir
    static Path spool;
    static KafkaBroker kafka;
    static WebhookService service;

    @BeforeAll
    static void start() {
        kafka = new KafkaBroker().start();
        kafka.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact"));
        service = WebhookService.start("sink", "kafka", "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic", TOPIC, "spool.dir", spool.toString(), "spool.drain.delay.ms", "100");
    }

    /** Whether the spool holds anything, so that webhooks join it. */
    static boolean holding() {
        return service.context().getRegistry().lookupByNameAndType("spool", Spool.class).isHolding();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Records of the given rooms, in offset order per partition. */
    static List<ConsumerRecord<String, String>> recordsOf(String roomPrefix, int expected) {
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            mine.clear();
            kafka.consume(TOPIC, Integer.MAX_VALUE, Duration.ofMillis(1500)).stream()
                    .filter(r -> header(r, "RoomId") != null && header(r, "RoomId").startsWith(roomPrefix))
                    .forEach(mine::add);
            return mine.size() >= expected;
        });
        return mine;
    }


    @Test
    void eachKeyIsOneRecordWithKeyValueAndHeaders() throws Exception {
        String body = sample("set-metadata.json").replace("live-room1111", "sample-room");

        HttpResponse<String> response = service.post(query(SET), body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(LogSinkTest.OK);
        List<ConsumerRecord<String, String>> records = recordsOf("sample-room", 2);
        assertThat(records).hasSize(2);
        Map<String, ConsumerRecord<String, String>> byKey = records.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        assertThat(byKey).containsOnlyKeys("[\"sample-room\",\"key1\"]", "[\"sample-room\",\"key2\"]");
        ConsumerRecord<String, String> key1 = byKey.get("[\"sample-room\",\"key1\"]");
        Map<String, Object> expected = LogSinkTest.message(SET, "key1", "value1");
        expected.put("RoomId", "sample-room");
        assertThat(JSON.readValue(key1.value(), LinkedHashMap.class)).isEqualTo(expected);
        assertThat(header(key1, "CallbackCommand")).isEqualTo(SET);
        assertThat(header(key1, "SdkAppid")).isEqualTo(WebhookService.SDKAPPID);
        assertThat(header(key1, "RoomId")).isEqualTo("sample-room");
        assertThat(header(key1, "Key")).isEqualTo("key1");
        assertThat(header(key1, "EventTime")).isEqualTo("1739965885831");
        // The record's own timestamp is the webhook's EventTime (CreateTime), not the producer's clock.
        assertThat(key1.timestampType()).isEqualTo(org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        assertThat(key1.timestamp()).isEqualTo(1739965885831L);
        // CloudEvents 1.0 in Kafka's binary content mode, the message as the value.
        assertThat(header(key1, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(key1, "ce_id")).isEqualTo(Events.id(expected));
        assertThat(header(key1, "ce_source")).isEqualTo("/tencent/live/" + WebhookService.SDKAPPID);
        assertThat(header(key1, "ce_type")).isEqualTo("com.tencentcloud.live.metadata.set");
        assertThat(header(key1, "ce_time")).isEqualTo("2025-02-19T11:51:25.831Z");
        assertThat(header(key1, "ce_sdkappid")).isEqualTo(WebhookService.SDKAPPID);
        assertThat(header(key1, "ce_roomid")).isEqualTo("sample-room");
        assertThat(header(key1, "content-type")).isEqualTo("application/json");
        // A trace started by the service (none came with the webhook), one for the whole webhook.
        assertThat(header(key1, "traceparent")).matches(Events.TRACE_PARENT);
        assertThat(header(byKey.get("[\"sample-room\",\"key2\"]"), "traceparent")).isEqualTo(header(key1, "traceparent"));
        // The README's headers, and no others: nothing of the HTTP request or of Camel leaks onto a record.
        assertThat(key1.headers()).extracting(Header::key)
                .containsExactlyInAnyOrder("CallbackCommand", "SdkAppid", "RoomId", "Key", "EventTime",
                        "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_sdkappid", "ce_roomid",
                        "content-type", "traceparent");
    }

    @Test
    void deletedKeysAreTombstonesWithTheSameKeyAsTheirSetRecord() throws Exception {
        String set = sample("set-metadata.json").replace("live-room1111", "tomb-room");
        String del = sample("del-metadata.json").replace("live-room1111", "tomb-room");

        assertThat(service.post(query(SET), set).statusCode()).isEqualTo(200);
        assertThat(service.post(query(DEL), del).statusCode()).isEqualTo(200);

        List<ConsumerRecord<String, String>> records = recordsOf("tomb-room", 4);
        Map<String, List<ConsumerRecord<String, String>>> byKey = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key));
        assertThat(byKey).hasSize(2);
        for (List<ConsumerRecord<String, String>> ofKey : byKey.values()) {
            // Same key, so the same partition: the set record comes first, then its tombstone.
            assertThat(ofKey).hasSize(2);
            assertThat(ofKey.get(0).value()).isNotNull();
            assertThat(ofKey.get(1).value()).isNull();
            assertThat(header(ofKey.get(1), "CallbackCommand")).isEqualTo(DEL);
            assertThat(header(ofKey.get(1), "SdkAppid")).isEqualTo(WebhookService.SDKAPPID);
            assertThat(header(ofKey.get(1), "RoomId")).isEqualTo("tomb-room");
            assertThat(header(ofKey.get(1), "EventTime")).isEqualTo("1739965885831");
            // A deleted key: its own type and id, and no content-type, since a tombstone has no value.
            assertThat(header(ofKey.get(1), "ce_type")).isEqualTo("com.tencentcloud.live.metadata.deleted");
            assertThat(header(ofKey.get(1), "ce_id")).matches("[0-9a-f]{64}").isNotEqualTo(header(ofKey.get(0), "ce_id"));
            assertThat(header(ofKey.get(1), "content-type")).isNull();
        }
    }

    @Test
    void keysDoNotCollideWhenRoomIdAndKeyShareSeparators() throws Exception {
        post("uniq-a/b", Map.of("Key", "c", "Value", "1"));
        post("uniq-a", Map.of("Key", "b/c", "Value", "2"));
        post("uniq-a\",\"b", Map.of("Key", "c", "Value", "3"));
        post("uniq-a", Map.of("Key", "b\",\"c", "Value", "4"));

        List<ConsumerRecord<String, String>> records = recordsOf("uniq-", 4);
        assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(4);
        for (ConsumerRecord<String, String> record : records) {
            List<Object> key = JSON.readValue(record.key(), List.class);
            assertThat(key).containsExactly((Object) header(record, "RoomId"), header(record, "Key"));
        }
    }

    @Test
    void brokerDownThenBackDeliversEverythingFromTheSpool() throws Exception {
        kafka.stop();
        try {
            for (int i = 0; i < 30; i++) {
                long started = System.nanoTime();
                HttpResponse<String> response = post("outage-" + i,
                        Map.of("Key", "a", "Value", "a" + i), Map.of("Key", "b", "Value", "b" + i));
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                // One key set again and again: its records must come out in this order.
                post("order-room", Map.of("Key", "k", "Value", String.valueOf(i)));
            }
            assertThat(spooled()).hasSize(90);
        } finally {
            kafka.start();
        }

        List<ConsumerRecord<String, String>> records = recordsOf("outage-", 60);
        assertThat(records.stream().map(ConsumerRecord::key).distinct()).hasSize(60);
        List<Object> order = new ArrayList<>();
        for (ConsumerRecord<String, String> record : recordsOf("order-room", 30)) {
            order.add(JSON.readValue(record.value(), Map.class).get("Value"));
        }
        assertThat(order).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 30).mapToObj(String::valueOf).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> spooled().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !holding());
    }

    /**
     * More spooled messages than one batch of spool-drain takes (1000): a key's records still come out in
     * the order the webhooks came in, the next batch's after this one's.
     */
    @Test
    void aKeysRecordsKeepTheirOrderAcrossPollsOfALargeSpool() throws Exception {
        int webhooks = 1200;
        kafka.stop();
        try {
            for (int i = 0; i < webhooks; i++) {
                post("large-spool-room", Map.of("Key", "k", "Value", String.valueOf(i)));
            }
            assertThat(spooled()).hasSize(webhooks);
        } finally {
            kafka.start();
        }
        List<Object> order = new ArrayList<>();
        for (ConsumerRecord<String, String> record : recordsOf("large-spool-room", webhooks)) {
            order.add(JSON.readValue(record.value(), Map.class).get("Value"));
        }
        assertThat(order).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, webhooks).mapToObj(String::valueOf).toList());
        await().atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !holding());
    }

    HttpResponse<String> post(String roomId, Map<String, Object>... metadata) throws Exception {
        HttpResponse<String> response = service.post(query(SET),
                JSON.writeValueAsString(LogSinkTest.webhook(SET, roomId, List.of(metadata))));
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    /** The messages in the spool. */
    static List<Map<String, Object>> spooled() {
        return SpoolFiles.messages(spool);
    }
}
