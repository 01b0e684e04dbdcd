package live.webhook;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.Events;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default sink: one log line per metadata key, over a real HTTP socket to the real routes. */
class LogSinkTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OK = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}";
    static WebhookService service;
    int before;

    @BeforeAll
    static void start() {
        service = WebhookService.start("sink", "log");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void mark() {
        before = service.loggedMessages().size();
    }

    List<Map<String, Object>> routedSinceStart() throws Exception {
        List<String> lines = service.loggedMessages();
        List<Map<String, Object>> messages = new ArrayList<>();
        for (String line : lines.subList(before, lines.size())) {
            messages.add(Events.data(line));
        }
        return messages;
    }

    @Test
    void sampleSetMetadataGivesOneMessagePerKey() throws Exception {
        HttpResponse<String> response = service.post(query(SET), sample("set-metadata.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(OK);
        assertThat(routedSinceStart()).containsExactly(
                message(SET, "key1", "value1"),
                message(SET, "key2", "value2"));
        // The log line is exactly the CloudEvent, attributes and data in the documented order; only the
        // span id of the new trace differs from one run to the next.
        assertThat(service.loggedMessages().get(before)).matches(java.util.regex.Pattern.quote(
                "{\"specversion\":\"1.0\",\"id\":\"" + Events.id(message(SET, "key1", "value1")) + "\","
                        + "\"source\":\"/tencent/live/1400000001\",\"type\":\"com.tencentcloud.live.metadata.set\","
                        + "\"time\":\"2025-02-19T11:51:25.831Z\",\"datacontenttype\":\"application/json\","
                        + "\"sdkappid\":\"1400000001\",\"roomid\":\"live-room1111\",\"traceparent\":\"")
                + Events.TRACE_PARENT + java.util.regex.Pattern.quote("\",\"data\":"
                        + "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\","
                        + "\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":\"value1\","
                        + "\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}}"));
    }

    @Test
    void delMetadataGivesNullValuedMessages() throws Exception {
        HttpResponse<String> response = service.post(query(DEL), sample("del-metadata.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(OK);
        assertThat(routedSinceStart()).containsExactly(message(DEL, "key1", null), message(DEL, "key2", null));
    }

    @Test
    void stringsRoundTripExactly() throws Exception {
        String key = "ключ \"quoted\" \\back\\slash 🎉";
        String value = "line1\nline2\t\u0001 日本語 \"x\" \\ </script> \u2028";
        Map<String, Object> webhook = webhook(SET, "房间-1", List.of(Map.of("Key", key, "Value", value)));

        HttpResponse<String> response = service.post(query(SET), JSON.writeValueAsString(webhook));

        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> routed = routedSinceStart();
        assertThat(routed).hasSize(1);
        assertThat(routed.get(0)).containsEntry("RoomId", "房间-1").containsEntry("Key", key).containsEntry("Value", value);
        assertThat(service.loggedMessages().get(before)).doesNotContain("\n");
    }

    @Test
    void tenKeysWithTwoKilobyteValues() throws Exception {
        List<Map<String, Object>> metadata = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            metadata.add(Map.of("Key", "key" + i, "Value", String.valueOf((char) ('a' + i)).repeat(2048)));
        }
        String body = JSON.writeValueAsString(webhook(SET, "live-room-big", metadata));
        assertThat(body.length()).isGreaterThan(20_000);

        HttpResponse<String> response = service.post(query(SET), body);

        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> routed = routedSinceStart();
        assertThat(routed).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(routed.get(i)).containsEntry("Key", "key" + i)
                    .containsEntry("Value", String.valueOf((char) ('a' + i)).repeat(2048));
        }
    }

    @Test
    void emptyMetadataRoutesNothingAndIsOk() throws Exception {
        HttpResponse<String> response = service.post(query(SET), JSON.writeValueAsString(webhook(SET, "r", List.of())));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(OK);
        assertThat(routedSinceStart()).isEmpty();
    }

    @Test
    void commandWeDoNotRouteIsAnsweredOkAndRoutedNowhere() throws Exception {
        String body = "{\"CallbackCommand\":\"Live.CallbackAfterCreateRoom\",\"RoomId\":\"r\"}";

        HttpResponse<String> response = service.post(query("Live.CallbackAfterCreateRoom"), body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(OK);
        assertThat(routedSinceStart()).isEmpty();
    }

    @Test
    void extraFieldsAreToleratedAndEventTimeIsCarriedAsSent() throws Exception {
        String body = "{\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"r\",\"Future\":{\"x\":[1,2]},"
                + "\"Metadata\":[{\"Key\":\"k\",\"Value\":\"v\",\"Extra\":true}],\"EventTime\":\"soon\"}";

        HttpResponse<String> response = service.post(query(SET), body);

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("SdkAppid", WebhookService.SDKAPPID);
        expected.put("CallbackCommand", SET);
        expected.put("RoomId", "r");
        expected.put("Key", "k");
        expected.put("Value", "v");
        expected.put("Operator_Account", null);
        expected.put("EventTime", "soon");
        assertThat(routedSinceStart()).containsExactly(expected);
    }

    @Test
    void hundredConcurrentWebhooksRouteEveryKeyExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String body = JSON.writeValueAsString(webhook(SET, "room-" + i, List.of(
                        Map.of("Key", "a", "Value", "a" + i), Map.of("Key", "b", "Value", "b" + i))));
                answers.add(CompletableFuture.supplyAsync(() -> service.post(query(SET), body), pool));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        // Answers come after the sink, so every line is already there.
        List<Map<String, Object>> routed = routedSinceStart();
        assertThat(routed).hasSize(200);
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> message : routed) {
            String room = (String) message.get("RoomId");
            String id = room + "/" + message.get("Key");
            assertThat(seen.add(id)).as("routed once: %s", id).isTrue();
            assertThat(message.get("Value")).isEqualTo(message.get("Key") + room.substring("room-".length()));
        }
    }

    static Map<String, Object> webhook(String command, String roomId, List<Map<String, Object>> metadata) {
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("CallbackCommand", command);
        webhook.put("Operator_Account", "brennanli");
        webhook.put("RoomId", roomId);
        webhook.put("Metadata", metadata);
        webhook.put("EventTime", 1739965885831L);
        return webhook;
    }

    static Map<String, Object> message(String command, String key, String value) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("SdkAppid", WebhookService.SDKAPPID);
        message.put("CallbackCommand", command);
        message.put("RoomId", "live-room1111");
        message.put("Key", key);
        message.put("Value", value);
        message.put("Operator_Account", "brennanli");
        message.put("EventTime", 1739965885831L);
        return message;
    }
}
