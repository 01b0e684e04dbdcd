package live.webhook;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal: its HTTP status, its FAIL body, and that nothing reached the sink. The file sink
 * is used so "nothing routed" is a fact on disk, not an absence of log lines.
 */
class RefusalTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SET_BODY = sample("set-metadata.json");
    static final String DEL_BODY = sample("del-metadata.json");

    @TempDir
    static Path out;
    static WebhookService service;

    @BeforeAll
    static void start() {
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString(), "max.body.bytes", "4096");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static Stream<Arguments> refusals() {
        String other = "?SdkAppid=1400000009&CallbackCommand=" + SET;
        return Stream.of(
                Arguments.of("SdkAppid of another app", other, SET_BODY, 403, 4030),
                Arguments.of("no SdkAppid", "?CallbackCommand=" + SET, SET_BODY, 403, 4030),
                Arguments.of("empty SdkAppid", "?SdkAppid=&CallbackCommand=" + SET, SET_BODY, 403, 4030),
                Arguments.of("SdkAppid twice", "?SdkAppid=" + SDKAPPID + "&SdkAppid=" + SDKAPPID + "&CallbackCommand=" + SET, SET_BODY, 403, 4030),
                Arguments.of("no CallbackCommand", "?SdkAppid=" + SDKAPPID, SET_BODY, 400, 4001),
                Arguments.of("command differs from body", query(DEL), SET_BODY, 400, 4003),
                Arguments.of("body without command", query(SET), "{\"RoomId\":\"r\",\"Metadata\":[]}", 400, 4003),
                Arguments.of("not JSON", query(SET), "RoomId=r", 400, 4002),
                Arguments.of("truncated JSON", query(SET), SET_BODY.substring(0, SET_BODY.length() / 2), 400, 4002),
                Arguments.of("trailing garbage", query(SET), SET_BODY + "}", 400, 4002),
                Arguments.of("field given twice", query(SET), SET_BODY.replace("\"RoomId\"", "\"RoomId\": \"other\", \"RoomId\""), 400, 4002),
                Arguments.of("JSON array", query(SET), "[" + SET_BODY + "]", 400, 4002),
                Arguments.of("empty body", query(SET), "", 400, 4002),
                Arguments.of("RoomId missing", query(SET), "{\"CallbackCommand\":\"" + SET + "\",\"Metadata\":[]}", 400, 4004),
                Arguments.of("RoomId empty", query(SET), SET_BODY.replace("\"live-room1111\"", "\"\""), 400, 4004),
                Arguments.of("RoomId a number", query(SET), SET_BODY.replace("\"live-room1111\"", "1111"), 400, 4004),
                Arguments.of("Metadata missing", query(SET), "{\"CallbackCommand\":\"" + SET + "\",\"RoomId\":\"r\"}", 400, 4005),
                Arguments.of("Metadata an object", query(SET), "{\"CallbackCommand\":\"" + SET + "\",\"RoomId\":\"r\",\"Metadata\":{\"Key\":\"k\",\"Value\":\"v\"}}", 400, 4005),
                Arguments.of("second entry without Key", query(SET), SET_BODY.replace("\"Key\": \"key2\"", "\"Kee\": \"key2\""), 400, 4005),
                Arguments.of("empty Key", query(SET), SET_BODY.replace("\"key2\"", "\"\""), 400, 4005),
                Arguments.of("Value a number", query(SET), SET_BODY.replace("\"value2\"", "2"), 400, 4005),
                Arguments.of("Value null", query(SET), SET_BODY.replace("\"value2\"", "null"), 400, 4005),
                Arguments.of("entry a string", query(SET), SET_BODY.replace("{\"Key\": \"key2\", \"Value\": \"value2\"}", "\"key2\""), 400, 4005),
                Arguments.of("Keys missing", query(DEL), "{\"CallbackCommand\":\"" + DEL + "\",\"RoomId\":\"r\"}", 400, 4006),
                Arguments.of("Keys a string", query(DEL), DEL_BODY.replace("[\"key1\", \"key2\"]", "\"key1\""), 400, 4006),
                Arguments.of("second key empty", query(DEL), DEL_BODY.replace("\"key2\"", "\"\""), 400, 4006),
                Arguments.of("second key a number", query(DEL), DEL_BODY.replace("\"key2\"", "2"), 400, 4006),
                Arguments.of("body over max.body.bytes", query(SET), SET_BODY.replace("value2", "v".repeat(5000)), 413, 4130));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedAndNothingRouted(String why, String query, String body, int status, int errorCode) throws Exception {
        HttpResponse<String> response = service.post(query, body);

        assertRefused(response, status, errorCode);
    }

    @Test
    void otherMethodsAreRefusedWithAllow() throws Exception {
        for (String method : new String[] {"GET", "PUT", "DELETE", "PATCH"}) {
            HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                    .method(method, HttpRequest.BodyPublishers.ofString(SET_BODY)));

            assertRefused(response, 405, 4050);
            assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        }
    }

    @Test
    void formBodiesAreRefused() throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(SET_BODY)));

        assertRefused(response, 415, 4150);
    }

    @Test
    void queryParametersDoNotComeBackAsResponseHeaders() {
        HttpResponse<String> response = service.post(query(SET) + "&X-Injected=1", SET_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Injected")
                || h.equalsIgnoreCase("SdkAppid") || h.equalsIgnoreCase("CallbackCommand"));
    }

    void assertRefused(HttpResponse<String> response, int status, int errorCode) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Map<?, ?> body = JSON.readValue(response.body(), Map.class);
        assertThat(body.get("ActionStatus")).isEqualTo("FAIL");
        assertThat(body.get("ErrorCode")).isEqualTo(errorCode);
        assertThat((String) body.get("ErrorInfo")).isNotBlank().doesNotContain("Exception").doesNotContain("org.apache");
        assertThat(response.body()).doesNotContain("\tat ");
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.filter(Files::isRegularFile)).as("files routed").isEmpty();
        }
    }
}
