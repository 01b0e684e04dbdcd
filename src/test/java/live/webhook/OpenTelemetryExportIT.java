package live.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static live.webhook.support.KafkaBroker.header;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import live.webhook.support.KafkaBroker;
import live.webhook.support.ServiceProcess;
import live.webhook.support.WebhookService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the packaged jar exports its spans over OTLP/HTTP to a
 * collector (here a plain HTTP server that keeps what it is sent): the webhook's incoming trace is
 * continued by the exported spans, and each Kafka record's traceparent names an exported span of that
 * trace, so a consumer's span joins the webhook's.
 */
class OpenTelemetryExportIT {

    static final String TOPIC = "tencent.live.room-metadata";
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String SENDER_SPAN = "00f067aa0ba902b7";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void spansAreExportedAndEveryRecordNamesOneOfThem(@TempDir Path spool) throws Exception {
        List<byte[]> exported = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (KafkaBroker kafka = new KafkaBroker().start()) {
            kafka.createTopic(TOPIC, 1, Map.of("cleanup.policy", "compact"));
            Map<String, String> env = Map.of("TENCENT_SDKAPPID", WebhookService.SDKAPPID, "SINK", "kafka",
                    "KAFKA_BROKERS", kafka.bootstrapServers(), "SPOOL_DIR", spool.toString(),
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                    "OTEL_BSP_SCHEDULE_DELAY", "200");
            try (ServiceProcess service = new ServiceProcess(env, ServiceProcess.logFile("otlp")).start()) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(service.uri("/callback" + query(SET)))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .header("traceparent", "00-" + TRACE_ID + "-" + SENDER_SPAN + "-01")
                        .POST(HttpRequest.BodyPublishers.ofString(sample("set-metadata.json"), UTF_8)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                // The answer carries no trace header: headers of the exchange never go back out.
                assertThat(response.headers().firstValue("traceparent")).isEmpty();

                List<ConsumerRecord<String, String>> records = kafka.consume(TOPIC, 2, Duration.ofSeconds(30));
                assertThat(records).hasSize(2);
                for (ConsumerRecord<String, String> record : records) {
                    String traceParent = header(record, "traceparent");
                    assertThat(traceParent).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-0[13]");
                    String recordParent = traceParent.substring(36, 52);
                    assertThat(recordParent).isNotEqualTo(SENDER_SPAN);
                    // Spans are exported in batches: wait for the one the record names.
                    await("span " + recordParent + " exported").atMost(Duration.ofSeconds(20))
                            .until(() -> contains(exported, hex(recordParent)));
                    // Only the trace context travels: no Camel baggage on the record.
                    assertThat(header(record, "baggage")).isNull();
                }
                byte[] all = concat(exported);
                // The incoming trace is continued: its id, and the sender's span as a parent, are exported.
                assertThat(indexOf(all, hex(TRACE_ID))).isNotNegative();
                assertThat(indexOf(all, hex(SENDER_SPAN))).isNotNegative();
            }
        } finally {
            collector.stop(0);
        }
    }


    /** OTLP protobuf carries trace and span ids as raw bytes. */
    static byte[] hex(String id) {
        return HexFormat.of().parseHex(id);
    }

    static boolean contains(List<byte[]> bodies, byte[] needle) {
        return bodies.stream().anyMatch(b -> indexOf(b, needle) >= 0);
    }

    static byte[] concat(List<byte[]> bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bodies.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
