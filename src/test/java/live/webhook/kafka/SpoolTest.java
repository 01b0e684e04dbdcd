package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import live.webhook.metrics.MeterRegistries;
import live.webhook.support.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's state and the order rule, called as routes/kafka.camel.yaml calls them, on a real disk
 * and real threads; "Kafka" here is what the routes' kafka-send would have done, decided by the test.
 */
class SpoolTest {

    static final RecordMetadata ACKED = new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 10, 20);

    @TempDir
    Path dir;
    final DefaultCamelContext camel = new DefaultCamelContext();
    final List<Spool> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Spool::close);
        camel.stop();
    }

    Spool spool() {
        Spool spool = new Spool();
        spool.setDirectory(dir.toString());
        spool.setCamelContext(camel);
        spool.open();
        opened.add(spool);
        return spool;
    }

    static Map<String, Object> message(String key, Object value) {
        Map<String, Object> message = new HashMap<>();
        message.put("Key", key);
        message.put("Value", value);
        return message;
    }

    /** A webhook at the Kafka sink: its messages as the body and the variable Messages. */
    Exchange webhook(Map<?, ?>... messages) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable(NotAcknowledged.MESSAGES, List.of(messages));
        exchange.getMessage().setBody(List.of(messages));
        return exchange;
    }

    /** camel-kafka's records of a send: the first {@code acknowledged} carry their metadata. */
    List<Message> records(int count, int acknowledged) {
        List<Message> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Message record = new DefaultMessage(camel);
            if (i < acknowledged) {
                record.setHeader(NotAcknowledged.RECORD_META, List.of(ACKED));
            }
            records.add(record);
        }
        return records;
    }

    /** The records of a batch of messages, keyed by their Key as KafkaRecord keys them; acknowledged or not, each. */
    List<Message> records(List<?> messages, java.util.function.IntPredicate acknowledged) {
        List<Message> records = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message record = new DefaultMessage(camel);
            record.setHeader(KafkaRecord.KEY, ((Map<?, ?>) messages.get(i)).get("Key"));
            if (acknowledged.test(i)) {
                record.setHeader(NotAcknowledged.RECORD_META, List.of(ACKED));
            }
            records.add(record);
        }
        return records;
    }

    static boolean spooling(Exchange exchange) {
        return exchange.getVariable(Spool.SPOOLING, Boolean.class);
    }

    /** Straight to Kafka, acknowledged; true when the spool took it after all. */
    boolean sentAndAcknowledged(Spool spool, Exchange exchange) throws Exception {
        spool.acknowledged(exchange);
        if (spooling(exchange)) {
            spool.write(exchange);
            return true;
        }
        return false;
    }

    void failed(Spool spool, Exchange exchange, int acknowledged) throws Exception {
        int count = exchange.getVariable(NotAcknowledged.MESSAGES, List.class).size();
        exchange.getMessage().setBody(records(count, acknowledged));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new org.apache.kafka.common.errors.TimeoutException("Expiring 2 record(s)"));
        spool.notAcknowledged(exchange);
        assertThat(spooling(exchange)).isTrue();
        spool.write(exchange);
    }

    /**
     * spool-drain's first run with Kafka up: it sends one webhook alone (as at every start and after a
     * failure) and full batches once Kafka took it. Spools one webhook to do so.
     */
    void kafkaTookTheFirstBatch(Spool spool) throws Exception {
        Exchange probe = webhook(message("probe", "0"));
        spool.admit(probe);
        failed(spool, probe, 0);
        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        assertThat(drain.getMessage().getBody(List.class)).containsExactly(message("probe", "0"));
        spool.delivered(drain);
    }

    /** spool-drain with Kafka taking everything: the messages delivered, in order. */
    static List<Object> drain(Spool spool) throws Exception {
        List<Object> delivered = new ArrayList<>();
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        for (spool.takeBatch(exchange); exchange.getMessage().getBody() != null; spool.takeBatch(exchange)) {
            delivered.addAll(exchange.getMessage().getBody(List.class));
            spool.delivered(exchange);
        }
        return delivered;
    }

    @Test
    void aWebhookGoesStraightToKafkaWhileTheSpoolIsEmpty() throws Exception {
        Spool spool = spool();
        Exchange exchange = webhook(message("k", "1"));
        spool.admit(exchange);
        assertThat(spooling(exchange)).isFalse();
        assertThat(sentAndAcknowledged(spool, exchange)).isFalse();
        assertThat(spool.isHolding()).isFalse();
        assertThat(spool.state()).isEqualTo(new Spool.SpoolState(0, 0));
    }

    @Test
    void aFailedWebhookStartsTheSpoolAndLaterOnesJoinItUntilItIsDelivered() throws Exception {
        Spool spool = spool();
        try (LogCapture log = LogCapture.start()) {
            Exchange first = webhook(message("a", "1"), message("b", "1"));
            spool.admit(first);
            // Kafka took a, not b: only b is spooled.
            failed(spool, first, 1);
            assertThat(spool.isHolding()).isTrue();
            assertThat(spool.state().depth()).isEqualTo(1);

            Exchange second = webhook(message("b", "2"));
            spool.admit(second);
            assertThat(spooling(second)).as("a webhook behind a spool joins it").isTrue();
            spool.write(second);
            assertThat(spool.state().depth()).isEqualTo(2);

            assertThat(drain(spool)).containsExactly(message("b", "1"), message("b", "2"));
            assertThat(spool.isHolding()).isFalse();
            assertThat(spool.state()).isEqualTo(new Spool.SpoolState(0, 0));
            Exchange third = webhook(message("b", "3"));
            spool.admit(third);
            assertThat(spooling(third)).isFalse();

            assertThat(log.events()).filteredOn(e -> e.contains("tencent.live.kafka")).satisfiesExactly(
                    started -> assertThat(started).startsWith("WARN tencent.live.kafka - Kafka did not acknowledge a webhook in time "
                            + "(Expiring 2 record(s)): webhooks go to the spool (SPOOL_DIR " + dir + ") until Kafka has taken everything in it"),
                    emptied -> assertThat(emptied).matches("(?s)INFO tencent.live.kafka - The spool is empty again after \\d+ s: "
                            + "2 messages delivered from it; webhooks go straight to Kafka.*"));
        }
    }

    @Test
    void whileKafkaFailsEveryWebhookJoinsTheSpoolAndOnceItTakesRecordsOnlyThoseOfKeysInTheSpoolDo() throws Exception {
        Spool spool = spool();
        Exchange failed = webhook(message("a", "1"));
        spool.admit(failed);
        failed(spool, failed, 0);
        // Kafka's last answer was a failure: a webhook of another key does not try it.
        Exchange other = webhook(message("b", "1"));
        spool.admit(other);
        assertThat(spooling(other)).isTrue();
        spool.write(other);

        // A drain run: Kafka takes the probe (a1), then the next batch (b1) waits, not yet taken.
        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        assertThat(drain.getMessage().getBody(List.class)).containsExactly(message("a", "1"));
        spool.delivered(drain);
        // Kafka takes records again: b is still in the spool, c is not.
        Exchange sameKey = webhook(message("b", "2"));
        spool.admit(sameKey);
        assertThat(spooling(sameKey)).as("b has a record in the spool").isTrue();
        spool.write(sameKey);
        Exchange newKey = webhook(message("c", "1"));
        spool.admit(newKey);
        assertThat(spooling(newKey)).as("c has none").isFalse();
        assertThat(sentAndAcknowledged(spool, newKey)).isFalse();
        assertThat(drain(spool)).containsExactly(message("b", "1"), message("b", "2"));
        Exchange after = webhook(message("b", "3"));
        spool.admit(after);
        assertThat(spooling(after)).isFalse();
    }

    @Test
    void aKeyWhoseSlotASpooledKeyHoldsJoinsTheSpoolAndEveryKeyDrainsInOrder() throws Exception {
        // Two different keys of one slot of the spool's key table (RoomId absent, as in message()).
        Map<Integer, String> bySlot = new HashMap<>();
        String first = null;
        String second = null;
        for (int i = 0; second == null; i++) {
            String key = "k" + i;
            String other = bySlot.putIfAbsent(Spool.keyHash(null, key) & (Spool.SPOOLED_KEY_SLOTS - 1), key);
            if (other != null) {
                first = other;
                second = key;
            }
        }
        Spool spool = spool();
        Exchange failed = webhook(message("probe", "1"));
        spool.admit(failed);
        failed(spool, failed, 0);
        Exchange spooled = webhook(message(first, "1"));
        spool.admit(spooled);
        spool.write(spooled);
        // Kafka takes the probe: it takes records again, while first's webhook is still in the spool.
        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        assertThat(drain.getMessage().getBody(List.class)).containsExactly(message("probe", "1"));
        spool.delivered(drain);
        Exchange unrelated = webhook(message("unrelated", "1"));
        spool.admit(unrelated);
        assertThat(spooling(unrelated)).as("a key no spooled webhook holds").isFalse();
        assertThat(sentAndAcknowledged(spool, unrelated)).isFalse();

        Exchange sharesTheSlot = webhook(message(second, "1"));
        spool.admit(sharesTheSlot);
        assertThat(spooling(sharesTheSlot)).as("%s shares %s's slot: it cannot tell them apart", second, first).isTrue();
        spool.write(sharesTheSlot);
        assertThat(drain(spool)).containsExactly(message(first, "1"), message(second, "1"));
        Exchange after = webhook(message(second, "2"));
        spool.admit(after);
        assertThat(spooling(after)).as("the spool is empty again").isFalse();
    }

    @Test
    void keysAreHashedOncePerKeyWhateverTheMessagesRepeat() {
        int[] keys = Spool.keys(List.of(message("b", "1"), message("a", "1"), message("b", "2")));
        assertThat(keys).hasSize(2).isSorted()
                .contains(Spool.keyHash(null, "a"), Spool.keyHash(null, "b"));
        assertThat(Spool.keys(List.of(message("c", "1"), message("a", "1"), message("b", "1")))).hasSize(3).isSorted()
                .doesNotHaveDuplicates();
        assertThat(Spool.keyHash("room1", "key")).isNotEqualTo(Spool.keyHash("room2", "key"))
                .isNotEqualTo(Spool.keyHash("room1", "key2"));
    }

    @Test
    void aWebhookArrivingWhileAnOlderOneIsBeingSpooledJoinsTheSpool() throws Exception {
        Spool spool = spool();
        Exchange older = webhook(message("k", "old"));
        spool.admit(older);
        older.getMessage().setBody(records(1, 0));
        spool.notAcknowledged(older);
        // Not written yet, and the spool holds nothing on disk: still, the next webhook goes behind it.
        Exchange newer = webhook(message("k", "new"));
        spool.admit(newer);
        assertThat(spooling(newer)).isTrue();
        CompletableFuture<Void> newerWritten = CompletableFuture.runAsync(() -> {
            try {
                spool.write(newer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        spool.write(older);
        newerWritten.get(10, TimeUnit.SECONDS);
        assertThat(drain(spool)).containsExactly(message("k", "old"), message("k", "new"));
    }

    @Test
    void aWebhookAcknowledgedWhileAnOlderOneIsInFlightWaitsAndIsSpooledBehindItWhenTheOlderFails() throws Exception {
        Spool spool = spool();
        Exchange older = webhook(message("k", "old"));
        Exchange younger = webhook(message("k", "new"));
        spool.admit(older);
        spool.admit(younger);
        assertThat(spooling(older)).isFalse();
        assertThat(spooling(younger)).isFalse();

        CompletableFuture<Boolean> youngerSpooled = CompletableFuture.supplyAsync(() -> {
            try {
                return sentAndAcknowledged(spool, younger);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // It waits for the older one's answer.
        assertThat(youngerSpooled).isNotCompleted();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !youngerSpooled.isDone());

        failed(spool, older, 0);
        assertThat(youngerSpooled.get(10, TimeUnit.SECONDS)).as("spooled behind the older one").isTrue();
        // On the topic: "new" (acknowledged), then from the spool "old" and "new" again: the key ends on "new".
        assertThat(drain(spool)).containsExactly(message("k", "old"), message("k", "new"));
    }

    @Test
    void aWebhookAcknowledgedWhileAnOlderOneIsInFlightIsDoneOnceTheOlderIsAcknowledgedToo() throws Exception {
        Spool spool = spool();
        Exchange older = webhook(message("k", "old"));
        Exchange younger = webhook(message("k", "new"));
        spool.admit(older);
        spool.admit(younger);
        CompletableFuture<Boolean> youngerSpooled = CompletableFuture.supplyAsync(() -> {
            try {
                return sentAndAcknowledged(spool, younger);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !youngerSpooled.isDone());
        assertThat(sentAndAcknowledged(spool, older)).isFalse();
        assertThat(youngerSpooled.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(spool.isHolding()).isFalse();
    }

    @Test
    void aWebhookWhoseExchangeEndsWithoutAnAnswerHoldsNoOneUp() throws Exception {
        Spool spool = spool();
        Exchange lost = webhook(message("k", "1"));
        spool.admit(lost);
        // The exchange ends some other way (an error no step caught): Camel runs its completions.
        for (Synchronization done : lost.getExchangeExtension().handoverCompletions()) {
            done.onFailure(lost);
        }
        Exchange next = webhook(message("k", "2"));
        spool.admit(next);
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                return sentAndAcknowledged(spool, next);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aFailedBatchKeepsEveryMessageFromTheFirstNotAcknowledged() throws Exception {
        Spool spool = spool();
        kafkaTookTheFirstBatch(spool);
        Exchange first = webhook(message("a", "1"));
        spool.admit(first);
        failed(spool, first, 0);
        for (int i = 2; i <= 4; i++) {
            Exchange next = webhook(message("a", String.valueOf(i)), message("b", String.valueOf(i)));
            spool.admit(next);
            spool.write(next);
        }
        assertThat(spool.state().depth()).isEqualTo(7);

        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        assertThat(drain.getMessage().getBody(List.class)).hasSize(7);
        // Kafka acknowledged a1, a2 and b2, a3, not b3 (nor what came after).
        drain.getMessage().setBody(records(7, 4));
        drain.setProperty(Exchange.EXCEPTION_CAUGHT, new org.apache.kafka.common.errors.TimeoutException("Expiring 3 record(s)"));
        try (LogCapture log = LogCapture.start()) {
            spool.notDelivered(drain);
            assertThat(drain.getMessage().getBody()).isNull();
            assertThat(log.events()).filteredOn(e -> e.contains("tencent.live.kafka")).singleElement().asString()
                    .startsWith("WARN tencent.live.kafka - Kafka did not take 3 of the spool's oldest messages (Expiring 3 record(s)): "
                            + "3 messages wait in the spool, the oldest for 0 s");
        }
        assertThat(spool.state().depth()).isEqualTo(3);
        // The next attempt starts with b3 alone (a3 is on the topic), then the rest, in order.
        spool.takeBatch(drain);
        assertThat(drain.getMessage().getBody(List.class)).containsExactly(message("b", "3"));
        spool.delivered(drain);
        assertThat(drain(spool)).containsExactly(message("a", "4"), message("b", "4"));
    }

    @Test
    void aMessageKafkaTookAfterAFailureLeavesTheSpoolUnlessAnOlderOneThatStaysSharesItsKey() throws Exception {
        Spool spool = spool();
        kafkaTookTheFirstBatch(spool);
        Exchange first = webhook(message("a", "1"));
        spool.admit(first);
        failed(spool, first, 0);
        for (String[] next : new String[][] {{"b", "2"}, {"a", "3"}, {"c", "4"}}) {
            Exchange exchange = webhook(message(next[0], next[1]));
            spool.admit(exchange);
            spool.write(exchange);
        }
        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        List<?> batch = drain.getMessage().getBody(List.class);
        // Kafka failed a1 (a metadata timeout on the first record, say), took the three after it.
        drain.getMessage().setBody(records(batch, i -> i > 0));
        spool.notDelivered(drain);
        // b2 and c4 are on the topic and stay there; a3 must follow a1 again, so it stays with it.
        assertThat(spool.state().depth()).isEqualTo(2);
        assertThat(drain(spool)).containsExactly(message("a", "1"), message("a", "3"));
    }

    @Test
    void theOldestAgeIsThatOfTheOldestMessageStillWaitingWhateverTheDrainHasTaken() throws Exception {
        Spool spool = spool();
        Exchange first = webhook(message("a", "1"));
        spool.admit(first);
        failed(spool, first, 0);
        long firstArrived = first.getClock().getCreated();
        await().atMost(Duration.ofSeconds(2)).until(() -> System.currentTimeMillis() - firstArrived >= 50);
        Exchange second = webhook(message("a", "2"));
        spool.admit(second);
        spool.write(second);

        Exchange drain = new DefaultExchange(camel);
        spool.takeBatch(drain);
        // Taken, not yet acknowledged: still waiting.
        assertThat(spool.state().depth()).isEqualTo(2);
        assertThat(spool.state().oldestAgeMillis()).isGreaterThanOrEqualTo(System.currentTimeMillis() - firstArrived - 5);
        drain.getMessage().setBody(records(2, 1));
        spool.notDelivered(drain);
        long secondArrived = second.getClock().getCreated();
        assertThat(spool.state().depth()).isEqualTo(1);
        assertThat(spool.state().oldestAgeMillis()).isBetween(0L, System.currentTimeMillis() - secondArrived);
    }

    @Test
    void whatAnEarlierRunLeftIsDeliveredBeforeAnythingNewer() throws Exception {
        Spool first = spool();
        Exchange left = webhook(message("k", "1"));
        first.admit(left);
        failed(first, left, 0);
        first.close();

        Spool next = spool();
        assertThat(next.isHolding()).isTrue();
        assertThat(next.state().depth()).isEqualTo(1);
        Exchange newer = webhook(message("k", "2"));
        next.admit(newer);
        assertThat(spooling(newer)).isTrue();
        next.write(newer);
        assertThat(drain(next)).containsExactly(message("k", "1"), message("k", "2"));
    }

    @Test
    void itsMetersCountWhatWentInAndOutAndItsGaugesReadTheOneThatIsOpen() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        camel.getRegistry().bind(MeterRegistries.NAME, meters);
        // The spool's meters are registered when the context starts (camel-main's registry exists by then).
        camel.start();
        // A build that is never opened (Camel's YAML pre-parse) registers nothing.
        Spool unused = new Spool();
        unused.setDirectory(dir.toString());
        unused.setCamelContext(camel);
        WeakReference<Spool> discarded = new WeakReference<>(unused);
        unused = null;

        Spool spool = spool();
        Exchange exchange = webhook(message("a", "1"), message("b", "1"));
        spool.admit(exchange);
        failed(spool, exchange, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return discarded.get() == null;
        });
        assertThat(meters.get(Spool.DEPTH).gauge().value()).isEqualTo(2.0);
        assertThat(meters.get(Spool.OLDEST_AGE).gauge().value()).isNotNaN().isGreaterThanOrEqualTo(0.0);
        assertThat(meters.get(Spool.OLDEST_AGE).gauge().getId().getBaseUnit()).isEqualTo("seconds");
        assertThat(meters.get(Spool.WRITTEN).tag("camelContext", camel.getName()).counter().count()).isEqualTo(2.0);

        drain(spool);
        assertThat(meters.get(Spool.DELIVERED).counter().count()).isEqualTo(2.0);
        assertThat(meters.get(Spool.AGE).summary().count()).isEqualTo(2);
        assertThat(meters.get(Spool.DEPTH).gauge().value()).isEqualTo(0.0);

        // A reload opens a new spool: its gauges replace the old one's.
        spool.close();
        Spool reloaded = spool();
        Exchange again = webhook(message("c", "1"));
        reloaded.admit(again);
        failed(reloaded, again, 0);
        assertThat(meters.find(Spool.DEPTH).gauges()).hasSize(1);
        assertThat(meters.get(Spool.DEPTH).gauge().value()).isEqualTo(1.0);
    }

    /**
     * Failed webhooks racing drain runs on real threads, for many webhooks: a key's value delivered
     * from the spool is never left on the topic behind a newer value of that key (one that arrived
     * later) that went straight to Kafka; where a newer one is on the topic before it, that newer one is
     * delivered again after it. The threads share a few keys, so a key's webhooks come both one after
     * the other and several at once. Kafka fails in bursts, for direct sends and drain runs alike, and
     * one send in eight fails on its own (a partition whose leader is away); a send that timed out may
     * still have been written (as a broker does).
     */
    @Test
    void aKeysSpooledValueIsNeverLeftBehindANewerOneThatWentStraightToKafka() throws Exception {
        long seed = new Random().nextLong();
        Random seeds = new Random(seed);
        Spool spool = spool();
        /** The topic: key, value, and whether spool-drain delivered it. */
        record Delivery(String key, long value, boolean fromSpool) {
        }
        List<Delivery> topic = Collections.synchronizedList(new ArrayList<>());
        /** Each value's arrival, its ticket's number: the order the spool must keep. */
        Map<Long, Long> arrival = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong values = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean kafkaDown = new AtomicBoolean();
        AtomicBoolean sending = new AtomicBoolean(true);
        String[] keys = {"a", "b", "c"};
        int senders = 8;
        int webhooks = 1000;
        ExecutorService threads = Executors.newFixedThreadPool(senders + 2);
        try {
            long flapSeed = seeds.nextLong();
            Future<?> flapping = threads.submit(() -> {
                Random random = new Random(flapSeed);
                while (sending.get()) {
                    kafkaDown.set(random.nextInt(3) == 0);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300 + random.nextInt(3000)));
                }
                kafkaDown.set(false);
                return null;
            });
            long drainSeed = seeds.nextLong();
            Future<?> drainer = threads.submit(() -> {
                Random random = new Random(drainSeed);
                Exchange drain = new DefaultExchange(camel);
                while (sending.get() || spool.isHolding()) {
                    spool.takeBatch(drain);
                    List<?> batch = drain.getMessage().getBody(List.class);
                    if (batch == null) {
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                        continue;
                    }
                    boolean failing = kafkaDown.get();
                    // A failed send: each record acknowledged or not, as partitions fail apart.
                    boolean[] acknowledged = new boolean[batch.size()];
                    for (int i = 0; i < batch.size(); i++) {
                        acknowledged[i] = !failing || random.nextInt(3) > 0;
                        if (acknowledged[i]) {
                            Map<?, ?> m = (Map<?, ?>) batch.get(i);
                            topic.add(new Delivery((String) m.get("Key"), ((Number) m.get("Value")).longValue(), true));
                        }
                    }
                    if (failing) {
                        drain.getMessage().setBody(records(batch, i -> acknowledged[i]));
                        drain.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("down"));
                        spool.notDelivered(drain);
                    } else {
                        spool.delivered(drain);
                    }
                }
                return null;
            });
            List<Future<?>> sending_ = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                long senderSeed = seeds.nextLong();
                sending_.add(threads.submit(() -> {
                    Random random = new Random(senderSeed);
                    for (int i = 0; i < webhooks; i++) {
                        String key = keys[random.nextInt(keys.length)];
                        long value = values.incrementAndGet();
                        Exchange exchange = webhook(message(key, value));
                        spool.admit(exchange);
                        arrival.put(value, exchange.getVariable(Spool.TICKET, Spool.Ticket.class).seq);
                        if (spooling(exchange)) {
                            spool.write(exchange);
                            continue;
                        }
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(400)));
                        // Down for everyone, or this record's partition failing on its own.
                        if (kafkaDown.get() || random.nextInt(8) == 0) {
                            if (random.nextBoolean()) {
                                topic.add(new Delivery(key, value, false)); // timed out, yet written
                            }
                            exchange.getMessage().setBody(records(1, 0));
                            spool.notAcknowledged(exchange);
                            // The route's steps between the failure and the spool's write.
                            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(200)));
                            spool.write(exchange);
                        } else {
                            topic.add(new Delivery(key, value, false));
                            sentAndAcknowledged(spool, exchange);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> sender : sending_) {
                sender.get(120, TimeUnit.SECONDS);
            }
            sending.set(false);
            drainer.get(60, TimeUnit.SECONDS);
            flapping.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(spool.isHolding()).isFalse();
        assertThat(spool.state().depth()).isZero();
        List<Delivery> delivered;
        synchronized (topic) {
            delivered = List.copyOf(topic);
        }
        assertThat(delivered.stream().map(Delivery::value).distinct().count()).as("seed %d: every webhook delivered", seed)
                .isEqualTo((long) senders * webhooks);
        for (String key : keys) {
            List<Delivery> ofKey = delivered.stream().filter(d -> d.key().equals(key)).toList();
            for (int i = 0; i < ofKey.size(); i++) {
                Delivery spooled = ofKey.get(i);
                if (!spooled.fromSpool()) {
                    continue;
                }
                for (int j = 0; j < i; j++) {
                    long newer = ofKey.get(j).value();
                    if (arrival.get(newer) > arrival.get(spooled.value())) {
                        int at = i;
                        assertThat(ofKey.subList(at + 1, ofKey.size())).as("seed %d, key %s: %d came from the spool after the newer %d, "
                                + "which must come again after it: %s", seed, key, spooled.value(), newer, ofKey)
                                .anyMatch(d -> d.value() == newer);
                    }
                }
            }
        }
    }
}
