package live.webhook;

import static live.webhook.HostileInputTest.assertHealthy;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.RoutedFiles;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the HTTP server (Vert.x) turns away before any route runs. Their answers are Vert.x's
 * own, not the service's JSON, and no route can change that; what must hold is that they are
 * answered or closed quickly, never 5xx, route nothing and leave the service healthy.
 */
class TransportLimitsTest {

    static final String S = sample("set-metadata.json");

    @TempDir
    static Path out;
    static WebhookService service;

    @BeforeAll
    static void start() {
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aBodyOverTheOneMibTransportCapGetsVertxsOwnPlainText413() throws Exception {
        // camel.server.max-body-size = 1 MiB: past it Vert.x stops reading and answers by itself.
        String body = HostileInputTest.padded(1024 * 1024 + 1024);

        RawHttp.Exchange exchange = RawHttp.send(service.port(), Request.to("/callback" + query(SET)).json().body(body), Duration.ofSeconds(2));

        assertThat(exchange.answered()).isTrue();
        assertThat(exchange.afterLastByte()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(exchange.response().status()).isEqualTo(413);
        assertThat(exchange.response().text()).isEqualTo("Request Entity Too Large");
        assertThat(RoutedFiles.files(out)).isEmpty();
        assertHealthy(service);
    }

    static Stream<Named<Request>> refusedByTheHttpServer() {
        String q = "/callback" + query(SET);
        return Stream.of(
                Named.of("malformed percent-encoding in the query", Request.to(q + "&x=%ZZ").json().body(S)),
                Named.of("malformed percent-encoding in SdkAppid", Request.to("/callback?SdkAppid=%G1&CallbackCommand=" + SET).json().body(S)),
                Named.of("a header section over 8 KiB", Request.to(q).json().header("X-Big: " + "a".repeat(20_000)).body(S)),
                Named.of("a request line over 4 KiB", Request.to(q + "&x=" + "a".repeat(5000)).json().body(S)),
                Named.of("HTTP/1.1 without Host", Request.to(q).withoutHost().json().body(S)),
                Named.of("a negative Content-Length", Request.to(q).json().withoutContentLength().header("Content-Length: -1").body(S)),
                Named.of("two Content-Lengths that disagree", Request.to(q).json().header("Content-Length: 5").body(S)),
                Named.of("Transfer-Encoding and Content-Length together", Request.to(q).json().header("Transfer-Encoding: chunked").body(S)),
                Named.of("a path in other case", Request.to("/CALLBACK" + query(SET)).json().body(S)),
                Named.of("a path with a matrix parameter", Request.to("/callback;a=b" + query(SET)).json().body(S)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByTheHttpServer")
    void answeredOrClosedQuicklyNever5xxNothingRouted(Request request) throws Exception {
        RawHttp.Exchange exchange = RawHttp.send(service.port(), request, Duration.ofSeconds(2));

        assertThat(exchange.timedOut()).as("left hanging").isFalse();
        assertThat(exchange.afterLastByte()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        if (exchange.answered()) {
            assertThat(exchange.response().status()).as(new String(exchange.received(), StandardCharsets.ISO_8859_1)).isBetween(400, 499);
        }
        assertThat(RoutedFiles.files(out)).isEmpty();
        assertHealthy(service);
    }
}
