package live.webhook;

import static live.webhook.HostileInputTest.assertHealthy;
import static live.webhook.HostileInputTest.assertWebhookAnswer;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.RoutedFiles;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send slowly, or never finish. The answer is due within 2 s of the last byte, and a
 * client that stalls must cost the service nothing that others need.
 */
class SlowClientTest {

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

    static int headerEnd(byte[] request) {
        return new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
    }

    @Test
    void aBodyThatPausesHalfWayIsAnsweredWithinTwoSecondsOfItsLastByte() throws Exception {
        int before = RoutedFiles.lines(out).size();
        Request request = Request.to("/callback" + query(SET)).json().body(S);
        int split = headerEnd(request.bytes()) + S.length() / 2;

        RawHttp.Exchange exchange = RawHttp.sendSlowly(service.port(), request, split, Duration.ofMillis(1500), Duration.ofSeconds(2));

        assertWebhookAnswer(exchange, false, 0);
        assertThat(RoutedFiles.lines(out)).hasSize(before + 2);
    }

    @Test
    void aSlowBrokenBodyIsRefusedWithinTwoSecondsOfItsLastByte() throws Exception {
        int before = RoutedFiles.files(out).size();
        String broken = S.substring(0, S.length() - 3);
        Request request = Request.to("/callback" + query(SET)).json().body(broken);

        RawHttp.Exchange exchange = RawHttp.sendSlowly(service.port(), request, headerEnd(request.bytes()) + 10,
                Duration.ofMillis(1000), Duration.ofSeconds(2));

        assertWebhookAnswer(exchange, false, 4002);
        assertThat(RoutedFiles.files(out)).hasSize(before);
    }

    @Test
    void headersThatPauseHalfWayAreAnsweredWithinTwoSecondsOfTheLastByte() throws Exception {
        int before = RoutedFiles.lines(out).size();
        Request request = Request.to("/callback" + query(SET)).json().body(S);

        RawHttp.Exchange exchange = RawHttp.sendSlowly(service.port(), request, headerEnd(request.bytes()) / 2,
                Duration.ofMillis(1000), Duration.ofSeconds(2));

        assertWebhookAnswer(exchange, false, 0);
        assertThat(RoutedFiles.lines(out)).hasSize(before + 2);
    }

    @Test
    void clientsThatNeverFinishTheirBodyDoNotHurtTheService() throws Exception {
        int before = RoutedFiles.lines(out).size();
        // More stalled clients than Vert.x has worker threads (20): were a stalled body holding a
        // worker, the webhooks below would wait for one.
        byte[] unfinished = Request.to("/callback" + query(SET)).json().withoutContentLength()
                .header("Content-Length: " + (S.length() * 4)).body(S).bytes();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                stalled.add(RawHttp.openAndStall(service.port(), unfinished));
            }
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = service.post(query(SET), S);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofSeconds(2));
                assertHealthy(service);
            }
        } finally {
            for (Socket socket : stalled) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        // Only the five finished webhooks were routed, also once the stalled clients are gone.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> RoutedFiles.lines(out).size() == before + 10);
        assertHealthy(service);
    }
}
