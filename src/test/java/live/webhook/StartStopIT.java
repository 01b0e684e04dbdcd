package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import live.webhook.support.RawHttp;
import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks sent while the packaged service starts and while it stops on SIGTERM are never answered
 * 404, which would tell Tencent (which does not retry) that the URL is wrong: before the port
 * listens the connection is refused, and until the webhook route runs, or from SIGTERM on, the
 * answer is 503 with the FAIL JSON. The sink is Kafka on a port where no broker listens, which
 * widens both windows (the producer's start, spool-drain's stop) to a second or more on this machine.
 */
class StartStopIT {

    static final Pattern UNAVAILABLE = Pattern.compile("\\{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"([^\"]+)\",\"ErrorCode\":5030}");

    enum Phase { BEFORE_READY, READY, TERMINATING, EXITED }

    /** Clients that post the sample webhook over new connections, one after another, and count what came back per phase. */
    static final class Webhooks implements AutoCloseable {
        final Map<Phase, Map<String, LongAdder>> outcomes = new ConcurrentHashMap<>();
        final List<Thread> clients = new ArrayList<>();
        volatile Phase phase = Phase.BEFORE_READY;
        volatile boolean stop;

        Webhooks(int port, int clients) {
            RawHttp.Request webhook = RawHttp.Request.to("/callback" + query(SET)).json().body(sample("set-metadata.json"));
            for (int i = 0; i < clients; i++) {
                Thread client = new Thread(() -> {
                    while (!stop) {
                        Phase sent = phase;
                        String outcome = outcome(port, webhook);
                        outcomes.computeIfAbsent(sent, p -> new ConcurrentHashMap<>())
                                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
                        if (outcome.equals("refused")) {
                            // Pacing, not waiting: a refused connect returns at once, and a tight loop
                            // would take the CPU the service starts on.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                        }
                    }
                }, "webhook-client-" + i);
                client.setDaemon(true);
                client.start();
                this.clients.add(client);
            }
        }

        static String outcome(int port, RawHttp.Request webhook) {
            RawHttp.Exchange exchange;
            try {
                exchange = RawHttp.send(port, webhook, Duration.ofSeconds(10));
            } catch (IllegalStateException e) {
                return e.getCause() instanceof ConnectException ? "refused" : "no answer (" + e.getCause() + ")";
            }
            if (!exchange.answered()) {
                return "no answer (closed)";
            }
            String body = exchange.response().text();
            Matcher unavailable = UNAVAILABLE.matcher(body);
            if (exchange.response().status() == 503 && unavailable.matches()) {
                return "503 " + unavailable.group(1);
            }
            return exchange.response().status() + (body.equals(LogSinkTest.OK) ? " OK" : " " + body);
        }

        long count(Phase phase, String outcome) {
            LongAdder n = outcomes.getOrDefault(phase, Map.of()).get(outcome);
            return n == null ? 0 : n.sum();
        }

        Map<Phase, Map<String, Long>> table() {
            Map<Phase, Map<String, Long>> table = new EnumMap<>(Phase.class);
            outcomes.forEach((phase, counts) -> {
                Map<String, Long> row = new TreeMap<>();
                counts.forEach((outcome, n) -> row.put(outcome, n.sum()));
                table.put(phase, row);
            });
            return table;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            for (Thread client : clients) {
                client.join(15_000);
            }
        }
    }

    @Test
    void webhooksSentWhileTheServiceStartsAndStopsAreNeverAnswered404(@TempDir Path spool) throws Exception {
        Path log = ServiceProcess.logFile("start-stop");
        Files.deleteIfExists(log);
        Map<String, String> env = Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID, "SINK", "kafka",
                "KAFKA_BROKERS", "127.0.0.1:" + WebhookService.freePort(), "SPOOL_DIR", spool.toString());
        ServiceProcess service = new ServiceProcess(env, log);
        Webhooks webhooks = new Webhooks(service.port(), 8);
        try (service; webhooks) {
            await("a connection refused before the process listens").atMost(Duration.ofSeconds(10))
                    .until(() -> webhooks.count(Phase.BEFORE_READY, "refused") > 0);
            service.start();
            webhooks.phase = Phase.READY;
            await("webhooks answered OK").atMost(Duration.ofSeconds(60))
                    .until(() -> webhooks.count(Phase.READY, "200 OK") >= 50);

            webhooks.phase = Phase.TERMINATING;
            assertThat(service.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            webhooks.phase = Phase.EXITED;
            await("a connection refused after the exit").atMost(Duration.ofSeconds(10))
                    .until(() -> webhooks.count(Phase.EXITED, "refused") > 0);
        }
        Map<Phase, Map<String, Long>> table = webhooks.table();
        System.out.println("Outcomes by the phase a webhook was sent in: " + table);

        assertThat(table.values()).as("answers").allSatisfy(row -> assertThat(row.keySet()).noneMatch(o -> o.startsWith("404")));
        // Sent before readiness: refused until the port listens, then 503 until the context has
        // started (in reach of a client only while the producer starts), then answered.
        assertThat(table.get(Phase.BEFORE_READY).keySet()).contains("refused")
                .isSubsetOf("refused", "503 Service is starting", "200 OK");
        // Sent from SIGTERM on: answered until the JVM's shutdown hook has begun stopping Camel, then
        // 503, then, as the server closes, refused or closed without an answer.
        assertThat(table.get(Phase.TERMINATING)).as("webhooks sent while the service stopped").isNotEmpty();
        assertThat(table.get(Phase.TERMINATING).keySet()).allMatch(o -> o.equals("200 OK")
                || o.equals("503 Service is stopping") || o.equals("refused") || o.startsWith("no answer"));
        assertThat(table.get(Phase.READY).keySet())
                .allMatch(o -> o.equals("200 OK") || o.equals("503 Service is stopping") || o.equals("refused") || o.startsWith("no answer"));
        assertThat(table.get(Phase.EXITED).keySet()).containsOnly("refused");
    }
}
