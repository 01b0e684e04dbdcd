package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * http.idle.timeout.seconds: a connection on which nothing is read or written for that long is
 * closed by the service, whether the client stalled in the middle of a request, never sent one,
 * or keeps its connection alive after an answer; webhooks on other connections are answered
 * meanwhile.
 */
class IdleTimeoutTest {

    static final String S = sample("set-metadata.json");
    static WebhookService service;

    @BeforeAll
    static void start() {
        service = WebhookService.start("sink", "log", "http.idle.timeout.seconds", "1");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aStalledRequestIsClosedAfterTheIdleTimeoutWhileOtherWebhooksAreAnswered() throws Exception {
        try (Socket stalled = connect(service.port())) {
            // Headers begun, never finished.
            write(stalled, "POST /callback" + query(SET) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
            CompletableFuture<Duration> closed = closedAfter(stalled);

            AtomicInteger answered = new AtomicInteger();
            await("the stalled connection closed, webhooks answered meanwhile").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        assertThat(service.post(query(SET), S).statusCode()).isEqualTo(200);
                        answered.incrementAndGet();
                        return closed.isDone();
                    });

            assertThat(answered.get()).isPositive();
            assertThat(closed.get()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket silent = connect(service.port())) {
            CompletableFuture<Duration> closed = closedAfter(silent);

            await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
            assertThat(closed.get()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutFollowingItsAnswer() throws Exception {
        try (Socket kept = connect(service.port())) {
            byte[] body = S.getBytes(StandardCharsets.UTF_8);
            write(kept, "POST /callback" + query(SET) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + S);
            assertThat(readResponse(kept)).startsWith("HTTP/1.1 200 ");

            CompletableFuture<Duration> closed = closedAfter(kept);
            await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
            assertThat(closed.get()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        }
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        // Bounds every read: a connection that stays open fails the test instead of hanging it.
        socket.setSoTimeout(15_000);
        return socket;
    }

    static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** How long from now until the server closes the connection (end of stream). */
    static CompletableFuture<Duration> closedAfter(Socket socket) {
        long from = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
            try {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                while (in.read(buffer) >= 0) {
                    // an answer to a stalled request would show here; keep reading to the end
                }
                return Duration.ofNanos(System.nanoTime() - from);
            } catch (IOException e) {
                throw new IllegalStateException("no end of stream: " + e, e);
            }
        });
    }

    /** One complete response (head and Content-Length body), leaving the connection open. */
    static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Pattern length = Pattern.compile("(?i)\r\ncontent-length:\\s*(\\d+)");
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a complete response: " + received);
            }
            received.write(b);
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Matcher m = length.matcher(text.substring(0, end));
                int bodyLength = m.find() ? Integer.parseInt(m.group(1)) : 0;
                if (received.size() >= end + 4 + bodyLength) {
                    return text;
                }
            }
        }
    }
}
