package live.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static live.webhook.support.KafkaBroker.header;
import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.contract.MessageContract;
import live.webhook.support.Events;
import live.webhook.support.KafkaBroker;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudEvents attributes and trace context on the records of a real broker: ce_id the same for a key
 * delivered twice (once at once, once replayed from the spool), different across keys and across
 * set and delete; an incoming traceparent continued on every record; a setting turns the ce_*
 * headers off.
 */
class CloudEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "tencent.live.room-metadata";
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String INCOMING = "00-" + TRACE_ID + "-b7ad6b7169203331-01";

    static KafkaBroker kafka;
    static WebhookService service;
    @TempDir
    static Path spool;

    @BeforeAll
    static void start() {
        kafka = new KafkaBroker().start();
        kafka.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact"));
        service = WebhookService.start("sink", "kafka", "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic", TOPIC, "spool.dir", spool.toString(), "spool.drain.delay.ms", "100");
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


    /** The sample SetMetadata webhook for the room, sent with W3C trace context headers. */
    static HttpResponse<String> postTraced(String roomId, String traceParent, String traceState) {
        return service.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                .header("Content-Type", "application/json")
                .header("traceparent", traceParent)
                .header("tracestate", traceState)
                .POST(HttpRequest.BodyPublishers.ofString(sample("set-metadata.json").replace("live-room1111", roomId), UTF_8)));
    }

    /** The records of one room, in offset order per partition, once there are that many. */
    static List<ConsumerRecord<String, String>> recordsOf(String roomId, int expected) {
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            mine.clear();
            kafka.consume(TOPIC, Integer.MAX_VALUE, Duration.ofMillis(1500)).stream()
                    .filter(r -> roomId.equals(header(r, "RoomId")))
                    .forEach(mine::add);
            return mine.size() >= expected;
        });
        assertThat(mine).hasSize(expected);
        return mine;
    }

    /** Every CloudEvents attribute of a record, checked against the message the record is of. */
    @SuppressWarnings("unchecked")
    static void assertCloudEvent(ConsumerRecord<String, String> record) throws Exception {
        boolean deleted = DEL.equals(header(record, "CallbackCommand"));
        Map<String, Object> message;
        if (deleted) {
            assertThat(record.value()).as("a tombstone").isNull();
            List<Object> key = JSON.readValue(record.key(), List.class);
            message = new LinkedHashMap<>();
            message.put("SdkAppid", header(record, "SdkAppid"));
            message.put("CallbackCommand", DEL);
            message.put("RoomId", key.get(0));
            message.put("Key", key.get(1));
            message.put("Value", null);
            message.put("Operator_Account", "brennanli");
            message.put("EventTime", Long.valueOf(header(record, "EventTime")));
        } else {
            MessageContract.assertValidMessage(record.value());
            message = JSON.readValue(record.value(), LinkedHashMap.class);
        }
        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo(Events.id(message));
        assertThat(header(record, "ce_source")).isEqualTo("/tencent/live/" + message.get("SdkAppid"));
        assertThat(header(record, "ce_type")).isEqualTo(Events.type((String) message.get("CallbackCommand")));
        assertThat(header(record, "ce_time")).isEqualTo("2025-02-19T11:51:25.831Z");
        assertThat(header(record, "ce_sdkappid")).isEqualTo(message.get("SdkAppid"));
        assertThat(header(record, "ce_roomid")).isEqualTo(message.get("RoomId"));
        assertThat(header(record, "content-type")).isEqualTo(deleted ? null : "application/json");
        assertThat(header(record, "traceparent")).matches(Events.TRACE_PARENT);
        // The same attributes in structured mode are an event of the published schema.
        Map<String, Object> structured = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            if (h.key().startsWith("ce_")) {
                structured.put(h.key().substring(3), new String(h.value(), UTF_8));
            }
        }
        structured.put("datacontenttype", "application/json");
        structured.put("traceparent", header(record, "traceparent"));
        structured.put("data", message);
        MessageContract.assertValidCloudEvent(JSON.writeValueAsString(structured));
    }

    @Test
    void aKeyDeliveredTwiceOnceFromTheSpoolCarriesTheSameId() throws Exception {
        String webhook = sample("set-metadata.json").replace("live-room1111", "replay-room");
        assertThat(service.post(query(SET), webhook).statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, String>> direct = recordsOf("replay-room", 2);

        kafka.stop();
        try {
            // Kafka does not acknowledge: answered OK once the records are in the spool.
            assertThat(service.post(query(SET), webhook).statusCode()).isEqualTo(200);
            assertThat(SpoolFiles.messages(spool)).hasSize(2);
        } finally {
            kafka.start();
        }
        List<ConsumerRecord<String, String>> all = recordsOf("replay-room", 4);

        Map<String, List<String>> idsByKey = all.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(r -> header(r, "ce_id"), Collectors.toList())));
        assertThat(idsByKey).hasSize(2).allSatisfy((key, ids) -> assertThat(ids).hasSize(2).containsOnly(ids.get(0)));
        assertThat(Set.copyOf(idsByKey.values())).as("one id per key, two keys").hasSize(2);
        for (ConsumerRecord<String, String> record : all) {
            assertCloudEvent(record);
        }
        // The replayed records carry the trace of the webhook that was spooled, not a new one.
        List<String> replayedTraces = all.stream().filter(r -> !direct.stream().anyMatch(d -> d.offset() == r.offset()
                && d.partition() == r.partition())).map(r -> header(r, "traceparent")).distinct().toList();
        assertThat(replayedTraces).hasSize(1);
        assertThat(direct.stream().map(r -> header(r, "traceparent")).distinct().toList())
                .hasSize(1).doesNotContain(replayedTraces.get(0));
    }

    @Test
    void idsDifferAcrossKeysAndAcrossSetAndDelete() throws Exception {
        assertThat(service.post(query(SET), sample("set-metadata.json").replace("live-room1111", "ids-room")).statusCode()).isEqualTo(200);
        assertThat(service.post(query(DEL), sample("del-metadata.json").replace("live-room1111", "ids-room")).statusCode()).isEqualTo(200);

        List<ConsumerRecord<String, String>> records = recordsOf("ids-room", 4);

        assertThat(records.stream().map(r -> header(r, "ce_id")).distinct()).hasSize(4);
        assertThat(records.stream().map(r -> header(r, "ce_type")))
                .containsOnly("com.tencentcloud.live.metadata.set", "com.tencentcloud.live.metadata.deleted");
        for (ConsumerRecord<String, String> record : records) {
            assertCloudEvent(record);
        }
    }

    @Test
    void anIncomingTraceparentIsContinuedOnEveryRecordOfTheWebhook() throws Exception {
        assertThat(postTraced("traced-room", INCOMING, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7").statusCode()).isEqualTo(200);

        List<ConsumerRecord<String, String>> records = recordsOf("traced-room", 2);

        // The same trace; with no tracer (no OTLP endpoint) the service records no span of its own,
        // so the sender's span stays the parent (OpenTelemetryExportIT: with one, the service's span).
        assertThat(records).extracting(r -> header(r, "traceparent")).containsOnly(INCOMING);
        assertThat(records).extracting(r -> header(r, "tracestate")).containsOnly("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    }

    @Test
    void aWebhookWithoutEventTimeGivesRecordsWithoutTimeHeaders() throws Exception {
        String webhook = "{\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"untimed-room\","
                + "\"Metadata\":[{\"Key\":\"k\",\"Value\":\"v\"}]}";
        assertThat(service.post(query(SET), webhook).statusCode()).isEqualTo(200);

        ConsumerRecord<String, String> record = recordsOf("untimed-room", 1).get(0);

        // Neither EventTime nor ce_time: a header is there only when the webhook said it.
        assertThat(record.headers()).extracting(Header::key).doesNotContain("EventTime", "ce_time");
        assertThat(header(record, "ce_id")).isEqualTo(Events.id(JSON.readValue(record.value(), LinkedHashMap.class)));
        MessageContract.assertValidMessage(record.value());
    }

    @Test
    void withoutAnOtlpEndpointNoTracerIsInstalled() {
        // Nothing to export to, so no span is made and no webhook pays for one (OpenTelemetryExportIT:
        // with an endpoint, spans are exported); the routes still carry the trace context (above).
        assertThat(service.context().hasService(org.apache.camel.telemetry.Tracer.class)).isNull();
    }

    @Test
    void aMalformedTraceparentStartsANewTraceAndDropsTheTracestate() throws Exception {
        String allZeroTrace = "00-00000000000000000000000000000000-b7ad6b7169203331-01";
        assertThat(postTraced("bad-trace-room", allZeroTrace, "congo=t61rcWkgMzE").statusCode()).isEqualTo(200);

        List<ConsumerRecord<String, String>> records = recordsOf("bad-trace-room", 2);

        assertThat(records).extracting(r -> header(r, "traceparent"))
                .allSatisfy(p -> assertThat(p).matches(Events.TRACE_PARENT).doesNotContain("0000000000000000"));
        assertThat(records).extracting(r -> header(r, "tracestate")).containsOnlyNulls();
    }

    @Test
    void cloudEventsCanBeTurnedOff() throws Exception {
        try (WebhookService plain = WebhookService.start("sink", "kafka", "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic", TOPIC, "spool.dir", spool.resolveSibling(spool.getFileName() + "-plain").toString(),
                "spool.drain.delay.ms", "100", "cloudevents.enabled", "false")) {
            assertThat(plain.post(query(SET), sample("set-metadata.json").replace("live-room1111", "plain-room")).statusCode())
                    .isEqualTo(200);

            List<ConsumerRecord<String, String>> records = recordsOf("plain-room", 2);

            assertThat(records).allSatisfy(r -> {
                assertThat(r.headers()).extracting(Header::key)
                        .containsExactlyInAnyOrder("CallbackCommand", "SdkAppid", "RoomId", "Key", "EventTime", "traceparent");
                assertThat(JSON.readValue(r.value(), Map.class)).containsEntry("RoomId", "plain-room").doesNotContainKey("data");
            });
        }
        try (WebhookService plainLog = WebhookService.start("sink", "log", "cloudevents.enabled", "false")) {
            assertThat(plainLog.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
            assertThat(plainLog.loggedMessages()).hasSize(2);
            assertThat(plainLog.loggedMessages().get(0)).isEqualTo(
                    "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\","
                            + "\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":\"value1\","
                            + "\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}");
        }
    }
}
