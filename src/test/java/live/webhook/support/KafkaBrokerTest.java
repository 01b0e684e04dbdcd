package live.webhook.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves {@link KafkaBroker}: a real producer/consumer round trip, a stopped broker that makes a
 * producer fail fast, and a restart on the same port that keeps the data.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KafkaBrokerTest {

    private static final String TOPIC = "harness.room-metadata";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = new KafkaBroker().start();
    }

    @AfterAll
    static void closeBroker() {
        if (kafka != null) {
            Path dir = kafka.logDir();
            kafka.close();
            assertFalse(Files.exists(dir), "temporary log dir is deleted on close");
        }
    }

    @Test
    void roundTripThenStopFailsFastThenRestartKeepsData() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);

        kafka.createTopic(TOPIC, 3, Map.of("cleanup.policy", "compact"));
        assertEquals("compact", kafka.topicConfig(TOPIC).get("cleanup.policy"));

        // 1. acks=all + idempotence, then read back with a real consumer.
        produce(IntStream.range(0, 10).mapToObj(i -> new ProducerRecord<>(TOPIC, "room-" + i, "v1-" + i)).toList());
        List<ConsumerRecord<String, String>> before = kafka.consume(TOPIC, 10, WAIT);
        assertEquals(10, before.size(), "records read back before the stop");
        assertEquals("v1-3", valueOf(before, "room-3"));

        // A client that stays open across the stop, as the application's producer would.
        try (KafkaProducer<String, String> survivor = new KafkaProducer<>(kafka.producerConfig())) {
            survivor.send(new ProducerRecord<>(TOPIC, "room-warmup", "v1")).get(30, TimeUnit.SECONDS);

            // 2. Stopped: port released, and a new producer with max.block.ms=1000 fails fast.
            kafka.stop();
            assertFalse(kafka.isRunning());
            assertPortBindable(kafka.port());

            Map<String, Object> config = kafka.producerConfig();
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
            long started = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                Exception e = assertThrows(Exception.class,
                        () -> producer.send(new ProducerRecord<>(TOPIC, "room-x", "lost")).get(10, TimeUnit.SECONDS));
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                assertInstanceOf(TimeoutException.class, cause, "metadata wait times out: " + e);
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(elapsedMs < 5_000, "failed fast, took " + elapsedMs + " ms");

            // The open producer knows the metadata: its send is buffered, not failed.
            Future<RecordMetadata> buffered = survivor.send(new ProducerRecord<>(TOPIC, "room-buffered", "v1"));
            assertFalse(buffered.isDone(), "nothing can be acknowledged while the broker is down");

            // 3. Start again: same port, same log dir, earlier records still there, clients reconnect.
            kafka.start();
            assertEquals(bootstrap, kafka.bootstrapServers());
            assertEquals("compact", kafka.topicConfig(TOPIC).get("cleanup.policy"));
            buffered.get(60, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> after = kafka.consume(TOPIC, 12, WAIT);
        assertEquals(12, after.size(), "10 + warm-up + buffered record after the restart");
        IntStream.range(0, 10).forEach(i -> assertEquals("v1-" + i, valueOf(after, "room-" + i)));
        assertEquals("v1", valueOf(after, "room-buffered"));

        produce(List.of(new ProducerRecord<>(TOPIC, "room-10", "v1-10")));
        assertEquals(13, kafka.consume(TOPIC, 13, WAIT).size());
    }

    @Test
    void consumeOfMissingTopicReturnsEmptyWithinTimeout() {
        kafka.start(); // no-op unless another test left it stopped
        long started = System.nanoTime();
        List<ConsumerRecord<String, String>> none = kafka.consume("no.such.topic", 1, Duration.ofSeconds(2));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(none.isEmpty());
        assertTrue(elapsedMs < 10_000, "bounded, took " + elapsedMs + " ms");
    }

    private static void produce(List<ProducerRecord<String, String>> records) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerConfig())) {
            for (ProducerRecord<String, String> r : records) {
                producer.send(r).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String valueOf(List<ConsumerRecord<String, String>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).findFirst().orElse(null);
    }

    private static void assertPortBindable(int port) throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }
}
