package live.webhook.k8s;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.WebhookSign;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Integration on Camel K's own runtime: the Camel Quarkus application the operator
 * builds (CamelQuarkusBuild), run as the operator runs it (CamelKPod), with its flows, the ConfigMap
 * kustomize makes (log sink), a Secret with a webhook token, and its environment trait. Everything
 * over HTTP, as Tencent and the kubelet reach it.
 */
class IntegrationOnCamelQuarkusIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OK = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}";
    static final String TOKEN = "camel-quarkus-test-token";
    static final String METADATA_LOGGER = "tencent.live.room-metadata";
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path pod;
    static CamelKPod integration;

    @BeforeAll
    static void start() throws Exception {
        integration = startIntegration(pod, "quarkus-integration", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (integration != null) {
            integration.close();
        }
    }

    /** The Integration in a pod, with the kustomized ConfigMap, the Secret (this token) and extra environment trait variables. */
    static CamelKPod startIntegration(Path root, String logName, Map<String, String> extraEnv) throws Exception {
        CamelKPod.Builder builder = CamelKPod.of(CamelKPod.integrationResource(), CamelQuarkusBuild.integration(), root)
                .secret(Manifests.NAME, Map.of("TENCENT_SDKAPPID", SDKAPPID, "TENCENT_CALLBACK_TOKEN", TOKEN));
        CamelKPod.integrationConfigMaps().forEach(builder::configMap);
        extraEnv.forEach(builder::env);
        return builder.start(logName);
    }

    static HttpResponse<String> post(CamelKPod pod, String query, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(pod.uri("/callback" + query)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static String signed(String command) {
        return WebhookSign.signedQuery(command, TOKEN, WebhookSign.nowSeconds());
    }

    /** The message the service makes of the sample's key, as JSON text, field order included. */
    static String message(String command, String key, String value) {
        return "{\"SdkAppid\":\"" + SDKAPPID + "\",\"CallbackCommand\":\"" + command + "\",\"RoomId\":\"live-room1111\","
                + "\"Key\":\"" + key + "\",\"Value\":" + (value == null ? "null" : "\"" + value + "\"")
                + ",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";
    }

    static String fail(int code, String info) {
        return "{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"" + info + "\",\"ErrorCode\":" + code + "}";
    }

    @Test
    void theSampleSetAndDelMetadataAreLoggedAsTwoMessagesEach() throws Exception {
        int before = integration.loggedBy(METADATA_LOGGER).size();

        HttpResponse<String> set = post(integration, signed(SET), sample("set-metadata.json"));
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).isEqualTo(OK);
        assertThat(set.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        HttpResponse<String> del = post(integration, signed(DEL), sample("del-metadata.json"));
        assertThat(del.statusCode()).isEqualTo(200);
        assertThat(del.body()).isEqualTo(OK);

        // The answer comes after the messages were logged; the console may lag the answer a little.
        List<String> logged = await().atMost(Duration.ofSeconds(10))
                .until(() -> integration.loggedBy(METADATA_LOGGER), l -> l.size() >= before + 4);
        // Each line a CloudEvent (checked by Events), its data exactly the message.
        assertThat(logged.subList(before, logged.size()).stream().map(live.webhook.support.Events::dataText)).containsExactly(
                message(SET, "key1", "value1"), message(SET, "key2", "value2"),
                message(DEL, "key1", null), message(DEL, "key2", null));
    }

    @Test
    void refusalsAreAnsweredWithFailJsonAndLogNothing() throws Exception {
        int before = integration.loggedBy(METADATA_LOGGER).size();
        String body = sample("set-metadata.json");

        HttpResponse<String> otherApp = post(integration, "?SdkAppid=1400000002&CallbackCommand=" + SET, body);
        assertThat(otherApp.statusCode()).isEqualTo(403);
        assertThat(otherApp.body()).isEqualTo(fail(4030, "SdkAppid is not accepted"));

        HttpResponse<String> getRequest = get(integration.uri("/callback" + signed(SET)));
        assertThat(getRequest.statusCode()).isEqualTo(405);
        assertThat(getRequest.headers().firstValue("Allow")).hasValue("POST");
        assertThat(getRequest.body()).isEqualTo(fail(4050, "Method not allowed, use POST"));

        // Over max.body.bytes (64 KiB), under the transport cap: the route's own 413.
        HttpResponse<String> large = post(integration, signed(SET), padded(64 * 1024 + 1));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.body()).isEqualTo(fail(4130, "Body is larger than 65536 bytes"));

        // The token is set (from the Secret, through the environment trait): unsigned and forged are refused.
        HttpResponse<String> unsigned = post(integration, query(SET), body);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.body()).isEqualTo(fail(4011, "Sign and RequestTime are required"));
        long now = WebhookSign.nowSeconds();
        HttpResponse<String> forged = post(integration, query(SET) + "&RequestTime=" + now
                + "&Sign=" + WebhookSign.sign("not-the-token", String.valueOf(now)), body);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).isEqualTo(fail(4013, "Sign does not match"));

        assertThat(integration.loggedBy(METADATA_LOGGER)).hasSize(before);
    }

    @Test
    void aBodyOverTheOneMibTransportCapIsRefusedByQuarkusItself() throws Exception {
        int before = integration.loggedBy(METADATA_LOGGER).size();
        // QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE of the environment trait (1 MiB, from camel.server.max-body-size);
        // Quarkus' own default would let this 2 MiB body through to the route's JSON 413.
        RawHttp.Exchange exchange = RawHttp.send(integration.process().port(),
                Request.to("/callback" + signed(SET)).json().body(padded(2 * 1024 * 1024)), Duration.ofSeconds(10));

        assertThat(exchange.answered()).as(new String(exchange.received(), StandardCharsets.ISO_8859_1)).isTrue();
        assertThat(exchange.response().status()).isEqualTo(413);
        // Quarkus answers it with no body (camel-main's Vert.x server with the text "Request Entity Too Large").
        assertThat(exchange.response().text()).isEmpty();
        assertThat(integration.loggedBy(METADATA_LOGGER)).hasSize(before);
    }

    @Test
    void aSilentConnectionIsClosedByQuarkusAfterTheIdleTimeout() throws Exception {
        // QUARKUS_HTTP_IDLE_TIMEOUT of the environment trait (5 s, from http.idle.timeout.seconds);
        // Quarkus' own default would keep it open for 30 minutes.
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", integration.process().port()), 2000);
            silent.setSoTimeout(30_000);
            long from = System.nanoTime();

            assertThat(silent.getInputStream().read()).as("end of stream").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - from)).isBetween(Duration.ofMillis(4500), Duration.ofSeconds(20));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthIsServedOnTheManagementPortWithTheReadinessCheckOfTheRoutes() throws Exception {
        for (String path : List.of("/observe/health/live", "/observe/health/ready", "/observe/health/started")) {
            HttpResponse<String> response = get(integration.management(path));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(JSON.readValue(response.body(), Map.class)).as(path).containsEntry("status", "UP");
        }
        Map<String, Object> ready = JSON.readValue(get(integration.management("/observe/health/ready")).body(), Map.class);
        List<Map<String, Object>> checks = (List<Map<String, Object>>) ready.get("checks");
        // routes/health.camel.yaml's check, named after and reporting the sink the ConfigMap names.
        assertThat(checks).anySatisfy(c -> {
            assertThat(c).containsEntry("name", "log-sink").containsEntry("status", "UP");
            assertThat((Map<String, Object>) c.get("data")).containsEntry("sink", "log");
        });
        // Readiness only: liveness does not depend on the sink.
        assertThat(get(integration.management("/observe/health/live")).body()).doesNotContain("log-sink");
        // camel.main.name of the ConfigMap reached Camel.
        assertThat(checks).anySatisfy(c -> assertThat((Map<String, Object>) c.get("data"))
                .containsEntry("context.name", Manifests.NAME));
        // Not served on the webhook port.
        assertThat(get(integration.uri("/observe/health")).statusCode()).isEqualTo(404);
    }

    @Test
    void metricsCountTheWebhooksAndNoneOfTheServicesSeriesIsNaNAfterAGarbageCollection() throws Exception {
        double accepted = metricOrZero(metrics(), "tencent_webhooks_total", "command=\"" + SET + "\"", "outcome=\"accepted\"");
        double refused = metricOrZero(metrics(), "tencent_webhooks_total", "outcome=\"refused\"", "reason=\"4030\"");
        double messages = metricOrZero(metrics(), "tencent_messages_total", "sink=\"log\"");

        assertThat(post(integration, signed(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
        assertThat(post(integration, "?SdkAppid=1&CallbackCommand=" + SET, "{}").statusCode()).isEqualTo(403);
        integration.collectGarbage();

        String metrics = metrics();
        assertThat(metricOrZero(metrics, "tencent_webhooks_total", "command=\"" + SET + "\"", "outcome=\"accepted\"")).isEqualTo(accepted + 1);
        assertThat(metricOrZero(metrics, "tencent_webhooks_total", "outcome=\"refused\"", "reason=\"4030\"")).isEqualTo(refused + 1);
        assertThat(metricOrZero(metrics, "tencent_messages_total", "sink=\"log\"")).isEqualTo(messages + 2);
        assertThat(metricOrZero(metrics, "tencent_sink_seconds_count", "sink=\"log\"")).isPositive();
        // What k8s/monitoring's rules read on this runtime too: the sink's buckets (p99 over the 2 s
        // Tencent waits) and readiness, checked at the scrape through Camel's health checks.
        assertThat(metricOrZero(metrics, "tencent_sink_seconds_bucket", "sink=\"log\"", "le=\"2.0\"")).isPositive();
        assertThat(metricOrZero(metrics, "tencent_sink_seconds_bucket", "sink=\"log\"", "le=\"4.0\"")).isPositive();
        assertThat(metricOrZero(metrics, "tencent_ready")).isEqualTo(1.0);
        assertNoTencentSeriesIsNaN(metrics);
    }

    String metrics() throws Exception {
        HttpResponse<String> response = get(integration.management("/observe/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Every sample of a tencent_* series is a number. */
    static void assertNoTencentSeriesIsNaN(String exposition) {
        List<String> samples = exposition.lines().filter(l -> l.startsWith("tencent_")).toList();
        assertThat(samples).isNotEmpty().noneSatisfy(l -> assertThat(l).endsWith("NaN"));
    }

    /** The sum of the samples of a metric whose labels include all of the given ones; 0 when there is none yet. */
    static double metricOrZero(String exposition, String name, String... labels) {
        return exposition.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A JSON object of exactly n bytes. */
    static String padded(int n) {
        String head = "{\"pad\":\"";
        return head + "a".repeat(n - head.length() - 2) + "\"}";
    }
}
