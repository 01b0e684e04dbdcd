package live.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import live.webhook.bench.KafkaCluster;
import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves {@link KafkaCluster}: three real KRaft nodes as processes, an {@code acks=all} idempotent
 * producer writing all along, and the three faults the class exists for: SIGKILL of a partition
 * leader, SIGSTOP/SIGCONT of a leader, a rolling restart. Every acknowledged record must be in the
 * topic at the end, once. The nodes' logs stay in {@code target/kafka-cluster-it/}.
 */
// About 70 s here; a shared 2-core machine under other load has taken 200 s.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaClusterIT {

    private static final String TOPIC = "cluster-it";
    private static final Path DIR = Path.of("target", "kafka-cluster-it");
    /** One record every 4 ms: 250 records/s, enough to see every stall, little for 2 cores. */
    private static final long SEND_EVERY_MICROS = 4_000;

    @Test
    void everyAcknowledgedRecordSurvivesKillPauseAndRollingRestart() throws Exception {
        FileUtil.removeDir(DIR.toFile());
        long t0 = System.nanoTime();
        // A dead node is fenced after broker.session.timeout.ms (9 s by default); 3 s, with
        // heartbeats every 0.5 s, keeps this test near a minute. C1 only: the 7 node starts below
        // cost about half the CPU, and 250 records/s need no C2.
        try (KafkaCluster kafka = new KafkaCluster(3, DIR)
                .withBrokerProperty("broker.session.timeout.ms", "3000")
                .withBrokerProperty("broker.heartbeat.interval.ms", "500")
                .withJvmOptions("-XX:TieredStopAtLevel=1")) {
            kafka.start();
            log("started 3 nodes in %d ms: %s", ms(t0), kafka);
            kafka.createTopic(TOPIC, 3, 3, Map.of("min.insync.replicas", "2"));

            Load load = new Load(kafka.clientConfig());
            try {
                await("first acknowledgements").atMost(Duration.ofSeconds(30))
                        .until(() -> load.ackedSince(0) >= 250);

                // 1. SIGKILL the leader of partition 0: every partition stalls (the dead node is in
                //    every ISR) until the controller fences it; then partition 0 has a new leader.
                int victim = kafka.leaderOf(TOPIC, 0);
                long killed = System.nanoTime();
                kafka.kill(victim);
                assertThat(kafka.isRunning(victim)).isFalse();
                // About 3 s here, 6-7 s when the victim was also the active controller (an election
                // first); the bound is for a machine shared with other builds.
                kafka.awaitFenced(victim, Duration.ofSeconds(60));
                long fenced = System.nanoTime();
                await("partition 0 acknowledged again after the kill").atMost(Duration.ofSeconds(30))
                        .until(() -> load.ackedSince(killed, 0) >= 50);
                assertThat(kafka.leaderOf(TOPIC, 0)).isNotEqualTo(victim);
                log("killed node %d: fenced after %d ms; longest gap between acks %d ms, on partition 0 %d ms",
                        victim, (fenced - killed) / 1_000_000, load.longestGapMs(killed, -1),
                        load.longestGapMs(killed, 0));
                long restarting = System.nanoTime();
                kafka.start(victim);
                long serving = System.nanoTime();
                kafka.awaitFullIsr(TOPIC, Duration.ofSeconds(60));
                log("node %d serving again %d ms after start, full ISR after %d ms more", victim,
                        (serving - restarting) / 1_000_000, ms(serving));

                // 2. SIGSTOP the leader of partition 1 until the controller fences it, then SIGCONT:
                //    it wakes up believing it leads, and must step down.
                int paused = kafka.leaderOf(TOPIC, 1);
                long pausedAt = System.nanoTime();
                kafka.pause(paused);
                kafka.awaitFenced(paused, Duration.ofSeconds(60));
                kafka.resume(paused);
                long resumed = System.nanoTime();
                await("all partitions acknowledged after the pause").atMost(Duration.ofSeconds(30))
                        .until(() -> load.ackedSince(resumed, 0) >= 20 && load.ackedSince(resumed, 1) >= 20
                                && load.ackedSince(resumed, 2) >= 20);
                kafka.awaitFullIsr(TOPIC, Duration.ofSeconds(60));
                log("paused node %d for %d ms; full ISR %d ms after SIGCONT; longest gap between acks %d ms",
                        paused, (resumed - pausedAt) / 1_000_000, ms(resumed), load.longestGapMs(pausedAt, -1));

                // 3. Rolling restart: SIGTERM, start, full ISR, one node at a time.
                long rolling = System.nanoTime();
                kafka.rollingRestart();
                long rolled = System.nanoTime();
                await("acknowledged after the rolling restart").atMost(Duration.ofSeconds(30))
                        .until(() -> load.ackedSince(rolled) >= 100);
                log("rolling restart in %d ms; longest gap between acks %d ms", (rolled - rolling) / 1_000_000,
                        load.longestGapMs(rolling, -1));
            } finally {
                load.close();
            }
            // Load.close() flushed: every record is acknowledged or failed by now.

            assertThat(load.failed).as("records the producer gave up on").isEmpty();
            List<String> read = readAll(kafka);
            Set<String> distinct = new HashSet<>(read);
            assertThat(distinct).as("records in the topic").containsAll(load.acked.keySet());
            assertThat(read).as("no record twice (idempotent producer)").hasSameSizeAs(distinct);
            log("%d records sent, %d acknowledged, %d in the topic; test body %d ms", load.sent.get(),
                    load.acked.size(), read.size(), ms(t0));
        }
        assertThat(kafkaDescendants()).as("Kafka processes left behind by this JVM").isEmpty();
    }

    /**
     * Sends a record every {@link #SEND_EVERY_MICROS} from its own thread, {@code acks=all} with
     * idempotence and Kafka's default 2 min delivery timeout, and keeps the acknowledgement time of
     * each record.
     */
    private static final class Load {
        record Ack(int partition, long nanos) {
        }

        final Map<String, Ack> acked = new ConcurrentHashMap<>();
        final Map<String, Exception> failed = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();

        private final KafkaProducer<String, String> producer;
        private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-it-producer");
            t.setDaemon(true);
            return t;
        });

        Load(Map<String, Object> clientConfig) {
            Map<String, Object> c = new HashMap<>(clientConfig);
            c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            c.put(ProducerConfig.ACKS_CONFIG, "all");
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            producer = new KafkaProducer<>(c);
            sender.scheduleAtFixedRate(this::sendOne, 0, SEND_EVERY_MICROS, TimeUnit.MICROSECONDS);
        }

        private void sendOne() {
            String value = "record-" + sent.getAndIncrement();
            try {
                producer.send(new ProducerRecord<>(TOPIC, value, value), (metadata, e) -> {
                    if (e == null) {
                        acked.put(value, new Ack(metadata.partition(), System.nanoTime()));
                    } else {
                        failed.put(value, e);
                    }
                });
            } catch (RuntimeException e) {
                failed.put(value, e);
            }
        }

        long ackedSince(long nanos) {
            return acked.values().stream().filter(a -> a.nanos() > nanos).count();
        }

        long ackedSince(long nanos, int partition) {
            return acked.values().stream().filter(a -> a.partition() == partition && a.nanos() > nanos).count();
        }

        /** The longest time without an acknowledgement (on {@code partition}, -1 for any) since {@code nanos}. */
        long longestGapMs(long nanos, int partition) {
            List<Long> times = new ArrayList<>();
            times.add(nanos);
            acked.values().stream().filter(a -> a.nanos() >= nanos && (partition < 0 || a.partition() == partition))
                    .map(Ack::nanos).sorted().forEach(times::add);
            long gap = 0;
            for (int i = 1; i < times.size(); i++) {
                gap = Math.max(gap, times.get(i) - times.get(i - 1));
            }
            return gap / 1_000_000;
        }

        void close() throws InterruptedException {
            sender.shutdown();
            assertThat(sender.awaitTermination(30, TimeUnit.SECONDS)).as("producer thread stopped").isTrue();
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** Every value in the topic, from the beginning of each partition to its end now; no consumer group. */
    private static List<String> readAll(KafkaCluster kafka) {
        Map<String, Object> c = new HashMap<>(kafka.clientConfig());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = List.of(0, 1, 2).stream().map(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            await("read the topic to its end " + end).atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                            values.add(r.value());
                        }
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return values;
    }

    private static List<String> kafkaDescendants() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .filter(cmd -> cmd.contains("kafka.Kafka") || cmd.contains("kafka.tools.StorageTool"))
                .toList();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("[KafkaClusterIT] " + String.format(format, args));
    }

}
