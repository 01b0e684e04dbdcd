package live.webhook.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.WebhookService;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated Kamelet, loaded from k8s/kamelets the way Camel loads any Kamelet, runs in camel-main
 * with none of the service's routes or settings: two instances of it (one without, one with a callback
 * token) feed a route of the test, and webhooks go to them over real HTTP.
 */
class KameletTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OK = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}";
    static final String TOKEN = "kamelet-test-token";
    static final Main main = new Main();
    static final List<Event> events = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static int port;

    record Event(String body, Map<String, Object> headers) {
    }

    @BeforeAll
    static void start() throws Exception {
        port = WebhookService.freePort();
        // Only the Kamelet and the test's own route: no file of routes/ is loaded.
        main.addOverrideProperty("camel.main.routes-include-pattern", "file:k8s/kamelets/*.camel.yaml");
        main.addOverrideProperty("camel.component.kamelet.location", "file:k8s/kamelets");
        main.addOverrideProperty("http.port", String.valueOf(port));
        main.addOverrideProperty("camel.management.enabled", "false");
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:" + Manifests.KAMELET + "?sdkAppid=" + WebhookService.SDKAPPID + "&path=/open")
                        .routeId("open-events").process(e -> events.add(
                                new Event(e.getMessage().getBody(String.class), new LinkedHashMap<>(e.getMessage().getHeaders()))));
                from("kamelet:" + Manifests.KAMELET + "?sdkAppid=" + WebhookService.SDKAPPID + "&path=/signed&callbackToken=" + TOKEN)
                        .routeId("signed-events").process(e -> events.add(
                                new Event(e.getMessage().getBody(String.class), new LinkedHashMap<>(e.getMessage().getHeaders()))));
            }
        });
        main.start();
    }

    @AfterAll
    static void stop() {
        main.stop();
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    @Test
    void sampleWebhookBecomesOneJsonEventPerKey() throws Exception {
        HttpResponse<String> response = post("/open" + WebhookService.query(WebhookService.SET),
                WebhookService.sample("set-metadata.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(OK);
        assertThat(events).hasSize(2);
        assertThat(JSON.readValue(events.get(0).body(), LinkedHashMap.class)).isEqualTo(message("key1", "value1"));
        assertThat(JSON.readValue(events.get(1).body(), LinkedHashMap.class)).isEqualTo(message("key2", "value2"));
        // The event is exactly the service's message JSON, field order included.
        assertThat(events.get(0).body()).startsWith("{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":");
        assertThat(events.get(0).headers())
                .containsEntry("key", "[\"live-room1111\",\"key1\"]")
                .containsEntry("RoomId", "live-room1111")
                .containsEntry("MetadataKey", "key1")
                .containsEntry("CallbackCommand", WebhookService.SET)
                .containsEntry("Content-Type", "application/json")
                // The CloudEvents attributes and trace context the service's Kafka records carry.
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", live.webhook.support.Events.id(message("key1", "value1")))
                .containsEntry("ce_source", "/tencent/live/" + WebhookService.SDKAPPID)
                .containsEntry("ce_type", "com.tencentcloud.live.metadata.set")
                .containsEntry("ce_time", "2025-02-19T11:51:25.831Z")
                .containsEntry("ce_sdkappid", WebhookService.SDKAPPID)
                .containsEntry("ce_roomid", "live-room1111");
        assertThat((String) events.get(0).headers().get("traceparent")).matches(live.webhook.support.Events.TRACE_PARENT);
        live.webhook.contract.MessageContract.assertValidMessage(events.get(0).body());
        // The webhook's query parameters do not travel with the events.
        assertThat(events.get(0).headers()).doesNotContainKeys("SdkAppid", "CallbackCommand".toLowerCase(), "ClientIP");
    }

    @Test
    void deletedKeysBecomeEventsWithNullValue() throws Exception {
        HttpResponse<String> response = post("/open" + WebhookService.query(WebhookService.DEL),
                WebhookService.sample("del-metadata.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            Map<String, Object> event = JSON.readValue(e.body(), Map.class);
            assertThat(event).containsEntry("CallbackCommand", WebhookService.DEL).containsEntry("Value", null);
        });
    }

    @Test
    void otherSdkAppidIsRefusedWith403AndEmitsNothing() throws Exception {
        HttpResponse<String> response = post("/open?SdkAppid=1400000002&CallbackCommand=" + WebhookService.SET,
                WebhookService.sample("set-metadata.json"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"SdkAppid is not accepted\",\"ErrorCode\":4030}");
        assertThat(events).isEmpty();
    }

    @Test
    void withCallbackTokenAnUnsignedWebhookEmitsNothing() throws Exception {
        HttpResponse<String> unsigned = post("/signed" + WebhookService.query(WebhookService.SET),
                WebhookService.sample("set-metadata.json"));

        // The same webhook passes the instance without token (below); here the token is in force.
        assertThat(unsigned.statusCode()).isNotEqualTo(200);
        assertThat(unsigned.body()).contains("\"ActionStatus\":\"FAIL\"");
        assertThat(events).isEmpty();
    }

    @Test
    void withCallbackTokenOnlySignedWebhooksPass() throws Exception {
        String body = WebhookService.sample("set-metadata.json");
        HttpResponse<String> unsigned = post("/signed" + WebhookService.query(WebhookService.SET), body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).contains("\"ErrorCode\":4011");

        String requestTime = String.valueOf(System.currentTimeMillis() / 1000);
        HttpResponse<String> forged = post("/signed" + WebhookService.query(WebhookService.SET)
                + "&RequestTime=" + requestTime + "&Sign=" + sha256Hex("not-the-token" + requestTime), body);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("\"ErrorCode\":4013");
        assertThat(events).isEmpty();

        HttpResponse<String> signed = post("/signed" + WebhookService.query(WebhookService.SET)
                + "&RequestTime=" + requestTime + "&Sign=" + sha256Hex(TOKEN + requestTime), body);
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).isEqualTo(OK);
        assertThat(events).hasSize(2);
    }

    @Test
    void theOpenInstanceIgnoresSignaturesAsTheServiceDoesWithoutToken() throws Exception {
        HttpResponse<String> response = post("/open" + WebhookService.query(WebhookService.SET),
                WebhookService.sample("set-metadata.json"));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    static Map<String, Object> message(String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SdkAppid", WebhookService.SDKAPPID);
        m.put("CallbackCommand", WebhookService.SET);
        m.put("RoomId", "live-room1111");
        m.put("Key", key);
        m.put("Value", value);
        m.put("Operator_Account", "brennanli");
        m.put("EventTime", 1739965885831L);
        return m;
    }

    static HttpResponse<String> post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
