package live.webhook;

import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static live.webhook.support.WebhookSign.nowSeconds;
import static live.webhook.support.WebhookSign.sign;
import static live.webhook.support.WebhookSign.signedQuery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.LogCapture;
import live.webhook.support.RoutedFiles;
import live.webhook.receive.WebhookSign;
import live.webhook.support.WebhookService;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With a webhook token set (TENCENT_CALLBACK_TOKEN): Sign = sha256hex(token + RequestTime) and
 * RequestTime within the skew of now, or 401 and nothing routed. Everything the JVM logs while
 * these services run is captured, and the token must appear in none of it, nor in any answer,
 * metric or health response.
 */
class SignedWebhookTest {

    /** Distinctive, so that finding it anywhere can only mean it leaked. */
    static final String TOKEN = "tok-Zq8s7f3a9cLive";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY = sample("set-metadata.json");

    @TempDir
    static Path out;
    static LogCapture logs;
    static WebhookService service;
    /** Every body and header the services answered in this class. */
    static final List<String> answers = new CopyOnWriteArrayList<>();
    int routedBefore;
    int filesBefore;

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString(), "tencent.callback.token", TOKEN);
    }

    @AfterAll
    static void stop() {
        try {
            service.close();
            // Stopping logs too.
            assertThat(logs.events()).noneMatch(e -> e.contains(TOKEN));
        } finally {
            logs.close();
        }
    }

    @BeforeEach
    void mark() {
        routedBefore = RoutedFiles.lines(out).size();
        filesBefore = RoutedFiles.files(out).size();
    }

    static HttpResponse<String> post(WebhookService to, String query, String body) {
        HttpResponse<String> response = to.post(query, body);
        answers.add(response.headers().map() + " " + response.body());
        return response;
    }

    List<String> routed() {
        List<String> lines = RoutedFiles.lines(out);
        return lines.subList(routedBefore, lines.size());
    }

    @Test
    void aWebhookSignedNowIsAccepted() throws Exception {
        HttpResponse<String> response = post(service, signedQuery(SET, TOKEN, nowSeconds()), BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}");
        assertThat(routed()).hasSize(2);
        assertThat(live.webhook.support.Events.data(routed().get(0))).containsEntry("Key", "key1").containsEntry("Value", "value1");
    }

    @Test
    void aRequestTimeWellInsideTheSkewIsAcceptedPastAndFuture() {
        long now = nowSeconds();
        // 60 s allowed; 50 s leaves room for a slow machine between signing and checking.
        assertThat(post(service, signedQuery(SET, TOKEN, now - 50), BODY).statusCode()).isEqualTo(200);
        assertThat(post(service, signedQuery(SET, TOKEN, now + 50), BODY).statusCode()).isEqualTo(200);
        assertThat(routed()).hasSize(4);
    }

    static Stream<Arguments> refusals() {
        long now = nowSeconds();
        String t = String.valueOf(now);
        String good = sign(TOKEN, t);
        String q = query(SET);
        return Stream.of(
                Arguments.of("wrong Sign", q + "&RequestTime=" + t + "&Sign=" + sign("x", t), 4013),
                Arguments.of("Sign missing", q + "&RequestTime=" + t, 4011),
                Arguments.of("RequestTime missing", q + "&Sign=" + good, 4011),
                Arguments.of("both missing", q, 4011),
                Arguments.of("Sign empty", q + "&RequestTime=" + t + "&Sign=", 4011),
                Arguments.of("RequestTime empty", q + "&RequestTime=&Sign=" + good, 4011),
                Arguments.of("stale, 120 s ago", signedQuery(SET, TOKEN, now - 120), 4012),
                Arguments.of("future, 120 s ahead", signedQuery(SET, TOKEN, now + 120), 4012),
                Arguments.of("just past the skew, 65 s ago", signedQuery(SET, TOKEN, now - 65), 4012),
                Arguments.of("just past the skew, 65 s ahead", signedQuery(SET, TOKEN, now + 65), 4012),
                Arguments.of("a day ago", signedQuery(SET, TOKEN, now - 86400), 4012),
                Arguments.of("the epoch", signedQuery(SET, TOKEN, 0), 4012),
                Arguments.of("RequestTime in milliseconds", signedQuery(SET, TOKEN, System.currentTimeMillis()), 4012),
                Arguments.of("RequestTime not a number", q + "&RequestTime=abc&Sign=" + sign(TOKEN, "abc"), 4012),
                Arguments.of("RequestTime negative", timed("-" + t), 4012),
                Arguments.of("RequestTime with a plus", timed("%2B" + t), 4012),
                Arguments.of("RequestTime with a fraction", timed(t + ".0"), 4012),
                Arguments.of("RequestTime in exponent form", timed("1.7e9"), 4012),
                Arguments.of("RequestTime in hex", timed("0x" + Long.toHexString(now)), 4012),
                Arguments.of("RequestTime with a space", timed("%20" + t), 4012),
                Arguments.of("RequestTime in full-width digits", timed(fullWidth(t)), 4012),
                Arguments.of("RequestTime of 40 digits", timed("9".repeat(40)), 4012),
                Arguments.of("RequestTime an expression", timed(encode("${date:now:s}")), 4012),
                Arguments.of("RequestTime given twice", q + "&RequestTime=" + t + "&RequestTime=" + t + "&Sign=" + good, 4012),
                Arguments.of("Sign for another time", q + "&RequestTime=" + t + "&Sign=" + sign(TOKEN, String.valueOf(now - 1)), 4013),
                Arguments.of("Sign for another token", q + "&RequestTime=" + t + "&Sign=" + sign(TOKEN + "x", t), 4013),
                Arguments.of("Sign of the token alone", q + "&RequestTime=" + t + "&Sign=" + sign(TOKEN, ""), 4013),
                Arguments.of("Sign in upper case", q + "&RequestTime=" + t + "&Sign=" + good.toUpperCase(Locale.ROOT), 4013),
                Arguments.of("Sign truncated", q + "&RequestTime=" + t + "&Sign=" + good.substring(1), 4013),
                Arguments.of("Sign with more after it", q + "&RequestTime=" + t + "&Sign=" + good + "00", 4013),
                Arguments.of("Sign given twice", q + "&RequestTime=" + t + "&Sign=" + good + "&Sign=" + good, 4013),
                Arguments.of("Sign the token itself", q + "&RequestTime=" + t + "&Sign=" + TOKEN, 4013),
                // Were a header value read as an expression, this would compute the expected Sign.
                Arguments.of("Sign an expression", q + "&RequestTime=" + t + "&Sign="
                        + encode("${hash(${properties:tencent.callback.token}${variable.RequestTime})}"), 4013),
                Arguments.of("Sign a property reference", q + "&RequestTime=" + t + "&Sign=" + encode("{{tencent.callback.token}}"), 4013));
    }

    static String timed(String requestTime) {
        return query(SET) + "&RequestTime=" + requestTime + "&Sign=" + sign(TOKEN, requestTime);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String fullWidth(String digits) {
        StringBuilder s = new StringBuilder();
        digits.chars().forEach(c -> s.append((char) ('\uFF10' + (c - '0'))));
        return encode(s.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedWith401AndNothingRouted(String why, String query, int errorCode) throws Exception {
        HttpResponse<String> response = post(service, query, BODY);

        assertFail(response, 401, errorCode);
        assertThat(routed()).as("routed").isEmpty();
        assertThat(RoutedFiles.files(out)).as("files, complete or not").hasSize(filesBefore);
    }

    static Stream<Arguments> checkOrder() {
        long now = nowSeconds();
        String signed = "&RequestTime=" + now + "&Sign=" + sign(TOKEN, String.valueOf(now));
        String badSign = "&RequestTime=" + now + "&Sign=" + sign("x", String.valueOf(now));
        String other = "?SdkAppid=1400000009&CallbackCommand=" + SET;
        String noCommand = "?SdkAppid=" + SDKAPPID;
        String big = "{\"pad\":\"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                Arguments.of("GET, other app, no Sign, broken body", "GET", "application/json", other, "{", 405, 4050),
                Arguments.of("form, other app, no Sign", "POST", "application/x-www-form-urlencoded", other, BODY, 415, 4150),
                Arguments.of("too big, other app, no Sign", "POST", "application/json", other, big, 413, 4130),
                Arguments.of("other app, no Sign, broken body", "POST", "application/json", other, "{", 403, 4030),
                Arguments.of("other app, bad Sign", "POST", "application/json", other + badSign, BODY, 403, 4030),
                Arguments.of("no Sign, no command, broken body", "POST", "application/json", noCommand, "{", 401, 4011),
                Arguments.of("bad Sign, no command, broken body", "POST", "application/json", noCommand + badSign, "{", 401, 4013),
                Arguments.of("signed, no command, broken body", "POST", "application/json", noCommand + signed, "{", 400, 4001),
                Arguments.of("signed, broken body", "POST", "application/json", query(SET) + signed, "{", 400, 4002));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkOrder")
    void checksRunCheapestAndMostTellingFirst(String why, String method, String contentType, String query, String body,
            int status, int errorCode) throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/callback" + query))
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)));
        answers.add(response.headers().map() + " " + response.body());

        assertFail(response, status, errorCode);
        assertThat(routed()).isEmpty();
    }

    @Test
    void nothingIsParsedBeforeSdkAppidAndSignPass() {
        double signChecks = routeExchanges("check-sign");
        double parses = routeExchanges("unmarshal");
        String body = "{\"CallbackCommand\":" + "[".repeat(5000);
        long now = nowSeconds();

        for (String query : List.of(
                "?SdkAppid=1400000009&CallbackCommand=" + SET,
                "?CallbackCommand=" + SET)) {
            assertThat(post(service, query, body).statusCode()).isEqualTo(403);
        }
        assertThat(routeExchanges("check-sign")).as("Sign checked before SdkAppid").isEqualTo(signChecks);
        for (String query : List.of(
                query(SET),
                query(SET) + "&RequestTime=" + now + "&Sign=" + sign("x", String.valueOf(now)),
                query(SET) + "&RequestTime=" + (now - 3600) + "&Sign=" + sign(TOKEN, String.valueOf(now - 3600)))) {
            assertThat(post(service, query, body).statusCode()).isEqualTo(401);
        }
        assertThat(routeExchanges("check-sign")).isEqualTo(signChecks + 3);
        assertThat(routeExchanges("unmarshal")).as("bodies parsed").isEqualTo(parses);

        // The counter does move once a webhook passes both checks.
        assertThat(post(service, signedQuery(SET, TOKEN, now), body).statusCode()).isEqualTo(400);
        assertThat(routeExchanges("unmarshal")).isEqualTo(parses + 1);
        assertThat(routed()).isEmpty();
    }

    /** Exchanges the routes sent to direct:NAME, as Camel's event notification counts them. */
    static double routeExchanges(String name) {
        return service.sentTo("direct://" + name);
    }

    @Test
    void signaturesAreComparedAsDigestsNotAsTheSignItself() {
        // String.equals stops at the first differing character; comparing SHA-256 digests of both
        // sides leaves that timing unrelated to how much of a forged Sign was right. The check-sign
        // route's check is the webhookSign bean, whose comparison WebhookSignCheckTest shows.
        RouteDefinition route = ((ModelCamelContext) service.context()).getRouteDefinition("check-sign");
        assertThat(route.getOutputs()).filteredOn(o -> o instanceof ProcessDefinition).singleElement()
                .satisfies(p -> assertThat(((ProcessDefinition) p).getRef()).isEqualTo("webhookSign"));
        assertThat(service.context().getRegistry().lookupByName("webhookSign")).isInstanceOf(WebhookSign.class);
        assertThat(((WebhookSign) service.context().getRegistry().lookupByName("webhookSign")).isSigned()).isTrue();
    }

    @Test
    void theDocumentedTestVectorIsAcceptedWhenTheSkewAllowsItsTime(@TempDir Path vectorOut) throws Exception {
        // Tencent's example: token xxxxyyyy, RequestTime 1669872112 (2022-12-01). Only a skew of
        // years lets that time through, which is also what shows the skew is a setting.
        String vectorQuery = query(SET) + "&RequestTime=1669872112&Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";
        String oneOff = vectorQuery.substring(0, vectorQuery.length() - 1) + "0";
        try (WebhookService vector = WebhookService.start("sink", "file", "sink.file.dir", vectorOut.toString(),
                "tencent.callback.token", "xxxxyyyy", "tencent.sign.max.skew.seconds", String.valueOf(20L * 365 * 86400))) {
            HttpResponse<String> response = post(vector, vectorQuery, BODY);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(RoutedFiles.lines(vectorOut)).hasSize(2);
            // One character off is refused.
            assertFail(post(vector, oneOff, BODY), 401, 4013);
            assertThat(RoutedFiles.lines(vectorOut)).hasSize(2);
        }
        // With the default skew of 60 s the same request is too old.
        assertFail(post(service, vectorQuery, BODY), 401, 4012);
        assertThat(routed()).isEmpty();
    }

    @Test
    void theTokenAppearsInNoLogLineAnswerMetricOrHealthResponse() throws Exception {
        long now = nowSeconds();
        // One of every outcome, so every log statement of the routes has run at least once.
        post(service, signedQuery(SET, TOKEN, now), BODY);
        post(service, query(SET), BODY);
        post(service, query(SET) + "&RequestTime=x&Sign=y", BODY);
        post(service, signedQuery(SET, TOKEN, now - 3600), BODY);
        post(service, query(SET) + "&RequestTime=" + now + "&Sign=" + sign("x", String.valueOf(now)), BODY);
        post(service, "?SdkAppid=1&CallbackCommand=" + SET, BODY);
        post(service, signedQuery("Live.CallbackAfterCreateRoom", TOKEN, now), "{}");
        post(service, signedQuery(SET, TOKEN, now), "{");
        post(service, signedQuery(SET, TOKEN, now), BODY.replace("\"value2\"", "2"));

        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready", "/observe/metrics")) {
            HttpResponse<String> response = service.management(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(TOKEN);
            assertThat(response.headers().map().toString()).as(path).doesNotContain(TOKEN);
        }
        assertThat(answers).isNotEmpty().noneMatch(a -> a.contains(TOKEN));
        assertThat(logs.events()).as("log events").isNotEmpty().noneMatch(e -> e.contains(TOKEN));
        // A signed service says nothing about unsigned webhooks: the start-up warning is for no token.
        await().atMost(Duration.ofSeconds(10)).until(() -> service.completedFrom("warn-unsigned") >= 1);
        assertThat(logs.events()).noneMatch(e -> e.contains("unsigned webhooks are accepted"));
    }

    static void assertFail(HttpResponse<String> response, int status, int errorCode) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Map<?, ?> body = JSON.readValue(response.body(), Map.class);
        assertThat(body.get("ActionStatus")).isEqualTo("FAIL");
        assertThat(body.get("ErrorCode")).isEqualTo(errorCode);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(TOKEN);
    }
}
