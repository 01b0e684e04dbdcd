package live.webhook.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import live.webhook.cloudevents.CloudEvents;
import live.webhook.metrics.MeterRegistries;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ShutdownStrategy;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink's spool: what Kafka did not acknowledge in time, kept on disk ({@link SpoolLog})
 * until spool-drain delivers it, and the rule that keeps each key's records in the order their
 * webhooks arrived, whichever way each went. routes/kafka.camel.yaml calls it at each turn:
 * {@link #admit}, then {@link #acknowledged} or {@link #notAcknowledged} after the send to Kafka,
 * {@link #write}; spool-drain calls {@link #takeBatch}, then {@link #delivered} or {@link #notDelivered}.
 *
 * <h2>The order of a key's records</h2>
 * Every webhook takes a ticket on arrival, numbered in arrival order. It joins the spool while the
 * spool holds (or is being written) a webhook with one of its keys, and also, whatever its keys,
 * while Kafka's last answer was a failure (so that no webhook waits for Kafka's timeouts while it is
 * away) or the spool holds what an earlier run left (whose keys are not read); otherwise it goes
 * straight to Kafka, so that a backlog drains while new keys flow past it. A key's records then reach
 * the topic in arrival order, or, where two webhooks were in flight at once and the older failed, the
 * younger is delivered again after the older:
 * <ul>
 * <li>a webhook that Kafka acknowledged waits until every older one with one of its keys sent
 * straight to Kafka has its answer; if one of those failed meanwhile, it is spooled too, behind it
 * (delivered twice, never overtaken for good). Kafka's delivery timeout bounds the wait, and webhooks
 * of other keys, nearly all of them, do not wait for each other;</li>
 * <li>spooled webhooks are written to the log each once every older ticket with one of its keys is
 * answered or written, and delivered in log order;</li>
 * <li>whether a key is in the spool is decided under the same lock as every arrival, so no arrival can
 * slip between the last delivery of its key and the switch back to Kafka.</li>
 * </ul>
 *
 * <h2>Delivery</h2>
 * spool-drain (one route, one thread) takes up to {@link #setBatchMessages batchMessages} messages at a
 * time, all sent at once (Kafka's idempotent producer keeps a partition's order with several requests
 * in flight), and a message leaves the spool once Kafka acknowledged it and nothing of its key before
 * it stays; after a failure, the rest stays for the next attempt, in order, which starts with one
 * message alone until Kafka takes it. The log's cursor moves past each delivered webhook, so a crash
 * repeats at most one batch.
 *
 * <h2>What it tells</h2>
 * One WARN line when the spool starts holding messages, one INFO line when it is empty again (how many,
 * how long), one WARN line per failed delivery attempt with how many wait; its depth and the age of its
 * oldest message, exact at any size, as gauges and for readiness; counters of messages written and
 * delivered, and how long each had waited.
 */
public class Spool implements CamelContextAware {

    static final Logger LOG = LoggerFactory.getLogger("tencent.live.kafka");

    /** Exchange variables the routes read. */
    public static final String TICKET = "SpoolTicket";
    public static final String SPOOLING = "Spooling";
    public static final String BATCH = "SpoolBatch";

    public static final String DEPTH = "tencent.spool.depth";
    public static final String OLDEST_AGE = "tencent.spool.oldest.age";
    public static final String WRITTEN = "tencent.spool.written";
    public static final String DELIVERED = "tencent.spool.delivered";
    public static final String AGE = "tencent.spool.age.ms";

    /** A webhook's place in the arrival order, and where its messages are. */
    public static final class Ticket {
        final long seq;
        final long receivedAt;
        /**
         * The hashes of the Kafka keys of its messages, [RoomId, Key], sorted and distinct: only webhooks
         * sharing a key need an order. Null: not known (left by an earlier run). Hashes, not the keys,
         * so that a spooled webhook holds a few bytes of memory; two keys with one hash only make
         * webhooks keep an order they did not need.
         */
        final int[] keys;
        State state;
        /** An older webhook sent at the same time failed: this one goes to the spool behind it. */
        boolean mustSpool;
        SpoolLog.Entry entry;
        /** Its messages Kafka took already, by their place in the webhook (null: none). */
        BitSet delivered;

        Ticket(long seq, long receivedAt, State state, int[] keys) {
            this.seq = seq;
            this.receivedAt = receivedAt;
            this.state = state;
            this.keys = keys;
        }

        boolean sharesAKeyWith(Ticket other) {
            if (keys == null || other.keys == null) {
                return false;
            }
            int i = 0;
            int j = 0;
            while (i < keys.length && j < other.keys.length) {
                int c = Integer.compare(keys[i], other.keys[j]);
                if (c == 0) {
                    return true;
                }
                if (c < 0) {
                    i++;
                } else {
                    j++;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "Ticket[" + seq + " " + state + (mustSpool ? " must spool" : "") + "]";
        }
    }

    enum State {
        /** Sent straight to Kafka, answer awaited. */
        DIRECT,
        /** To be written to the spool. */
        TO_SPOOL,
        /** In the spool, waiting for spool-drain. */
        SPOOLED
    }

    /** What spool-drain took: the webhook and the place in it of each message of the body. */
    public record Batch(List<Ticket> tickets, int[] ticketOf, int[] placeOf) {

        int messages() {
            return ticketOf.length;
        }
    }

    private Path directory;
    private int batchMessages = 1000;
    private long orderWaitMillis = 10_000;
    private CamelContext camelContext;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    /** Tickets sent straight to Kafka or about to be written, by arrival. */
    private final TreeMap<Long, Ticket> pending = new TreeMap<>();
    /** Tickets in the log, in log order. */
    private final ArrayDeque<Ticket> spooled = new ArrayDeque<>();
    private SpoolLog log;
    private long nextSeq;
    private int toSpool;
    /**
     * How many webhooks in the spool or on their way to it hold a key, by the key's hash modulo the
     * table's size: memory that does not grow with the spool. A key whose count is not 0 may share its
     * slot with one of those: its webhook then joins the spool without needing to, which is safe.
     * Made when the spool first holds a webhook.
     */
    private int[] spooledKeys;
    private long spooledKeysHeld;
    static final int SPOOLED_KEY_SLOTS = 1 << 20;
    /** Webhooks in the spool whose keys are not known (left by an earlier run): every arrival joins them. */
    private int unknownKeys;
    /** Kafka's last answer was a failure (a send or a drain attempt): arrivals join the spool without trying it. */
    private boolean kafkaFailing;
    private long depth;
    private long holdingSince;
    private long deliveredSinceHolding;
    private boolean closed;
    /** Whether spool-drain's next batch is a single webhook: at start-up and after a failed attempt. */
    private volatile boolean probing = true;
    /** When spool-drain first saw the context stopping (System.nanoTime()), 0 before. */
    private long stoppingSince;

    private volatile Meters meters;

    public String getDirectory() {
        return directory == null ? null : directory.toString();
    }

    public void setDirectory(String directory) {
        this.directory = Paths.get(directory);
    }

    public int getBatchMessages() {
        return batchMessages;
    }

    /** The most messages spool-drain sends at once (a crash repeats at most these), and a segment holds. */
    public void setBatchMessages(int batchMessages) {
        if (batchMessages < 1) {
            throw new IllegalArgumentException("batchMessages must be 1 or more, not " + batchMessages);
        }
        this.batchMessages = batchMessages;
    }

    /** How long a webhook waits for older ones to be answered before it is spooled anyway. */
    public void setOrderWaitMillis(long orderWaitMillis) {
        this.orderWaitMillis = orderWaitMillis;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    // --- Lifecycle ---------------------------------------------------------------------------------

    /**
     * Opens the spool's directory, once; what an earlier run left is delivered before anything newer.
     * Called by spool-drain's route policy at start-up, or by the first webhook if that comes first.
     * Camel may build this bean more than once (a YAML pre-parse, a reload): only the one the routes
     * use opens the directory.
     */
    public void open() {
        lock.lock();
        try {
            if (log != null) {
                return;
            }
            if (closed) {
                throw new IllegalStateException("the spool " + directory + " is closed");
            }
            SpoolLog.Opened opened = SpoolLog.open(directory, batchMessages);
            log = opened.log();
            for (SpoolLog.Entry entry : opened.entries()) {
                Ticket ticket = new Ticket(nextSeq++, entry.receivedAt(), State.SPOOLED, null);
                ticket.entry = entry;
                spooled.add(ticket);
                unknownKeys++;
                depth += entry.messages();
            }
            if (!spooled.isEmpty()) {
                holdingSince = System.currentTimeMillis();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool " + directory + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        if (camelContext != null) {
            MeterRegistries.whenBound(camelContext, this, (spool, registry) -> spool.meters = spool.register(registry));
        }
    }

    /** Closes the log; what it holds stays on the disk for the next run. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (log != null) {
                log.close();
                log = null;
            }
        } catch (IOException e) {
            LOG.warn("Closing the spool {}: {}", directory, e.toString());
        } finally {
            lock.unlock();
        }
    }

    // --- A webhook ---------------------------------------------------------------------------------

    /**
     * A webhook arrives at the Kafka sink: its ticket (variable {@value #TICKET}), and whether it joins
     * the spool (variable {@value #SPOOLING}, true) or goes straight to Kafka (false).
     */
    public void admit(Exchange exchange) {
        openIfNeeded();
        int[] keys = keys(exchange.getVariable(NotAcknowledged.MESSAGES, List.class));
        Ticket ticket;
        lock.lock();
        try {
            ticket = new Ticket(nextSeq++, exchange.getClock().getCreated(), State.DIRECT, keys);
            pending.put(ticket.seq, ticket);
            if (kafkaFailing || unknownKeys > 0 || spoolHoldsAKeyOf(ticket)) {
                joinSpool(ticket);
            }
        } finally {
            lock.unlock();
        }
        exchange.setVariable(TICKET, ticket);
        exchange.setVariable(SPOOLING, ticket.state == State.TO_SPOOL);
        // Whatever happens to the exchange, its ticket must not hold younger webhooks up.
        Ticket admitted = ticket;
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                abandon(admitted);
            }
        });
    }

    /**
     * Kafka acknowledged every record of the webhook. It waits until every older webhook sent
     * straight to Kafka has its answer: if one of those failed, this one is spooled behind it
     * ({@value #SPOOLING} true, the body the webhook's messages, variable {@link NotAcknowledged#MESSAGES}).
     */
    public void acknowledged(Exchange exchange) {
        Ticket ticket = exchange.getVariable(TICKET, Ticket.class);
        boolean spool;
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(orderWaitMillis);
            while (!ticket.mustSpool && olderPending(ticket) && System.nanoTime() < deadline) {
                answered.awaitNanos(deadline - System.nanoTime());
            }
            spool = ticket.mustSpool || olderPending(ticket);
            if (spool) {
                joinSpool(ticket);
            } else {
                kafkaFailing = false;
                pending.remove(ticket.seq);
                answered.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while older webhooks were being sent", e);
        } finally {
            lock.unlock();
        }
        exchange.setVariable(SPOOLING, spool);
        if (spool) {
            exchange.getMessage().setBody(exchange.getVariable(NotAcknowledged.MESSAGES));
        }
    }

    /**
     * Kafka did not acknowledge the webhook's records in time: the messages it did not acknowledge go
     * to the spool (the body, see {@link NotAcknowledged}), and so does every younger webhook sent
     * meanwhile, behind them. The first such failure starts the spool holding messages.
     */
    public void notAcknowledged(Exchange exchange) {
        new NotAcknowledged().process(exchange);
        Ticket ticket = exchange.getVariable(TICKET, Ticket.class);
        boolean started;
        lock.lock();
        try {
            started = toSpool == 0 && spooled.isEmpty();
            kafkaFailing = true;
            joinSpool(ticket);
            for (Ticket younger : pending.tailMap(ticket.seq, false).values()) {
                if (younger.state == State.DIRECT && younger.sharesAKeyWith(ticket)) {
                    younger.mustSpool = true;
                }
            }
            if (started) {
                holdingSince = System.currentTimeMillis();
                deliveredSinceHolding = 0;
            }
            answered.signalAll();
        } finally {
            lock.unlock();
        }
        exchange.setVariable(SPOOLING, true);
        if (started) {
            LOG.warn("Kafka did not acknowledge a webhook in time ({}): webhooks go to the spool (SPOOL_DIR {}) "
                    + "until Kafka has taken everything in it", reason(exchange), directory);
        }
    }

    /**
     * Writes the webhook's messages (the body; a null one, which Kafka acknowledged, is left out) to
     * the spool behind every older webhook, and returns once they are on the disk. Throws when the
     * disk refuses them: nothing of the webhook is then kept.
     */
    public void write(Exchange exchange) throws IOException {
        Ticket ticket = exchange.getVariable(TICKET, Ticket.class);
        List<?> body = exchange.getMessage().getBody(List.class);
        List<Object> messages = new ArrayList<>(body.size());
        for (Object message : body) {
            if (message != null) {
                messages.add(message);
            }
        }
        SpoolLog.Entry entry;
        SpoolLog spoolLog;
        lock.lock();
        try {
            if (messages.isEmpty()) {
                resolve(ticket);
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(orderWaitMillis);
            while (olderPending(ticket) && System.nanoTime() < deadline) {
                answered.awaitNanos(deadline - System.nanoTime());
            }
            spoolLog = openLog();
            try {
                entry = spoolLog.append(messages, ticket.receivedAt);
            } catch (IOException e) {
                resolve(ticket);
                throw e;
            }
            ticket.entry = entry;
            ticket.state = State.SPOOLED;
            pending.remove(ticket.seq);
            toSpool--;
            spooled.add(ticket);
            depth += messages.size();
            answered.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resolve(ticket);
            throw new IOException("interrupted while older webhooks were being spooled", e);
        } finally {
            lock.unlock();
        }
        try {
            spoolLog.awaitDurable(entry);
        } catch (IOException e) {
            lock.lock();
            try {
                // Cut off with the failed write: never to be delivered.
                if (spooled.remove(ticket)) {
                    depth -= messages.size();
                    leaveSpool(ticket);
                }
                answered.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        Meters m = meters();
        if (m != null) {
            m.written.increment(messages.size());
        }
    }

    // --- spool-drain -------------------------------------------------------------------------------

    /**
     * The oldest spooled messages Kafka has not taken yet, up to batchMessages, as the body (a List),
     * and the batch as the variable {@value #BATCH}; a null body when none waits. While the service
     * stops, batches go on until two thirds of Camel's shutdown timeout have passed, so that the last
     * one is answered before Camel gives up waiting.
     */
    public void takeBatch(Exchange exchange) throws IOException {
        openIfNeeded();
        if (stopTakingBatches()) {
            exchange.getMessage().setBody(null);
            return;
        }
        List<Ticket> tickets = new ArrayList<>();
        int count = 0;
        SpoolLog spoolLog;
        // After a failure, and at start-up, one message first: a batch sent while the producer has no
        // metadata yet fails on its first records and lets later ones through, which then go twice.
        int limit = probing ? 1 : batchMessages;
        lock.lock();
        try {
            spoolLog = log;
            if (spoolLog != null) {
                for (Ticket ticket : spooled) {
                    int left = ticket.entry.messages() - (ticket.delivered == null ? 0 : ticket.delivered.cardinality());
                    if (!spoolLog.isDurable(ticket.entry) || (count > 0 && count + left > limit)) {
                        break;
                    }
                    tickets.add(ticket);
                    count += left;
                }
            }
        } finally {
            lock.unlock();
        }
        if (tickets.isEmpty()) {
            exchange.getMessage().setBody(null);
            return;
        }
        List<SpoolLog.Entry> entries = new ArrayList<>(tickets.size());
        for (Ticket ticket : tickets) {
            entries.add(ticket.entry);
        }
        List<List<Object>> read = spoolLog.read(entries);
        int size = Math.min(count, limit);
        List<Object> messages = new ArrayList<>(size);
        int[] ticketOf = new int[size];
        int[] placeOf = new int[size];
        for (int t = 0; t < tickets.size() && messages.size() < size; t++) {
            BitSet done = tickets.get(t).delivered;
            List<Object> of = read.get(t);
            for (int place = 0; place < of.size() && messages.size() < size; place++) {
                if (done == null || !done.get(place)) {
                    ticketOf[messages.size()] = t;
                    placeOf[messages.size()] = place;
                    messages.add(of.get(place));
                }
            }
        }
        exchange.setVariable(BATCH, new Batch(List.copyOf(tickets), ticketOf, placeOf));
        exchange.getMessage().setBody(messages);
    }

    /** Kafka acknowledged every record of the batch: its messages leave the spool. */
    public void delivered(Exchange exchange) throws IOException {
        Batch batch = exchange.getVariable(BATCH, Batch.class);
        probing = false;
        kafkaIsTaking();
        settle(batch, message -> true);
    }

    /**
     * Kafka did not acknowledge every record of the batch. A message it acknowledged leaves the spool
     * unless an earlier message of the batch with the same Kafka key stays (sending that one again must
     * not put it after this one); a webhook leaves once all its messages have; the rest stays for the
     * next attempt, in order, which starts with one message alone until Kafka takes it. One WARN line
     * says so. The body becomes null (the drain stops until its next run).
     */
    public void notDelivered(Exchange exchange) throws IOException {
        Batch batch = exchange.getVariable(BATCH, Batch.class);
        if (batch == null) {
            LOG.warn("Could not read the spool (SPOOL_DIR {}): {}", directory, reason(exchange));
            exchange.getMessage().setBody(null);
            return;
        }
        List<?> records = exchange.getMessage().getBody(List.class);
        Set<Object> keysLeft = new HashSet<>();
        BitSet taken = new BitSet(batch.messages());
        for (int i = 0; i < batch.messages(); i++) {
            Object key = KafkaRecord.keyOf(records, i);
            if (NotAcknowledged.acknowledged(records, i) && !keysLeft.contains(key)) {
                taken.set(i);
            } else {
                keysLeft.add(key);
            }
        }
        probing = true;
        kafkaUnavailable();
        int left = batch.messages() - settle(batch, taken::get);
        SpoolState state = state();
        LOG.warn("Kafka did not take {} of the spool's oldest messages ({}): {} wait in the spool, the oldest for {}",
                left, reason(exchange), messages(state.depth()), SpoolLifecycle.seconds(state.oldestAgeMillis()));
        exchange.getMessage().setBody(null);
    }

    /**
     * Kafka does not take records (a failed drain attempt, or no answer at start-up): until it takes
     * some, webhooks join the spool at once instead of each waiting for Kafka's timeouts.
     */
    public void kafkaUnavailable() {
        lock.lock();
        try {
            kafkaFailing = true;
        } finally {
            lock.unlock();
        }
    }

    private void kafkaIsTaking() {
        lock.lock();
        try {
            kafkaFailing = false;
        } finally {
            lock.unlock();
        }
    }

    // --- What it holds -------------------------------------------------------------------------------

    /** How many messages wait in the spool, and how long the oldest has. */
    public record SpoolState(long depth, long oldestAgeMillis) {
    }

    public SpoolState state() {
        lock.lock();
        try {
            Ticket oldest = spooled.peekFirst();
            return new SpoolState(depth, oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.receivedAt));
        } finally {
            lock.unlock();
        }
    }

    /** Whether the spool holds messages or is being written to: new webhooks then join it. */
    public boolean isHolding() {
        lock.lock();
        try {
            return toSpool > 0 || !spooled.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /**
     * Called with the lock held: whether an older webhook with one of this one's keys is still being
     * sent or written. Webhooks of other keys need no order between them, so none waits for them.
     */
    private boolean olderPending(Ticket ticket) {
        for (Ticket older : pending.headMap(ticket.seq, false).values()) {
            if (older.sharesAKeyWith(ticket)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hashes of the Kafka keys of a webhook's messages (or CloudEvents), as KafkaRecord makes the
     * keys: [RoomId, Key]; sorted, distinct.
     */
    static int[] keys(List<?> messages) {
        if (messages == null || messages.isEmpty()) {
            return NO_KEYS;
        }
        int[] keys = new int[messages.size()];
        int n = 0;
        for (Object event : messages) {
            if (event instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> message = CloudEvents.message((Map<String, Object>) map);
                keys[n++] = keyHash(message.get("RoomId"), message.get("Key"));
            }
        }
        // A few keys per webhook: sorted in place, repeats dropped, no stream on every webhook.
        Arrays.sort(keys, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || keys[i] != keys[distinct - 1]) {
                keys[distinct++] = keys[i];
            }
        }
        return distinct == keys.length ? keys : Arrays.copyOf(keys, distinct);
    }

    private static final int[] NO_KEYS = new int[0];

    /** A key's hash, its two parts' String hashes mixed (murmur3's finalizer) so that slots spread. */
    static int keyHash(Object roomId, Object key) {
        int h = Objects.hashCode(roomId) * 0x9E3779B9 + Objects.hashCode(key);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    private static int slot(int keyHash) {
        return keyHash & (SPOOLED_KEY_SLOTS - 1);
    }

    /** Called with the lock held: the ticket leaves the spool's order without being written. */
    private void resolve(Ticket ticket) {
        if (pending.remove(ticket.seq) != null && ticket.state == State.TO_SPOOL) {
            toSpool--;
            leaveSpool(ticket);
        }
        answered.signalAll();
    }

    /** Called with the lock held: the webhook goes to the spool, and its keys with it. */
    private void joinSpool(Ticket ticket) {
        ticket.state = State.TO_SPOOL;
        toSpool++;
        if (ticket.keys.length > 0 && spooledKeys == null) {
            spooledKeys = new int[SPOOLED_KEY_SLOTS];
        }
        for (int key : ticket.keys) {
            spooledKeys[slot(key)]++;
            spooledKeysHeld++;
        }
    }

    /** Called with the lock held: the webhook left the spool (delivered, or never written). */
    private void leaveSpool(Ticket ticket) {
        if (ticket.keys == null) {
            unknownKeys--;
            return;
        }
        for (int key : ticket.keys) {
            spooledKeys[slot(key)]--;
            spooledKeysHeld--;
        }
    }

    /** Called with the lock held: whether a webhook in the spool, or on its way to it, has one of this one's keys. */
    private boolean spoolHoldsAKeyOf(Ticket ticket) {
        if (spooledKeysHeld == 0) {
            return false;
        }
        for (int key : ticket.keys) {
            if (spooledKeys[slot(key)] > 0) {
                return true;
            }
        }
        return false;
    }

    private void abandon(Ticket ticket) {
        lock.lock();
        try {
            if (ticket.state != State.SPOOLED) {
                resolve(ticket);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The messages of the batch Kafka took ({@code taken}, by their place in the batch) leave the spool,
     * a webhook once all its messages have; the log's cursor moves to the oldest webhook left. Returns
     * how many messages left.
     */
    private int settle(Batch batch, IntPredicate taken) throws IOException {
        int messages = 0;
        long now = System.currentTimeMillis();
        Meters m = meters();
        boolean emptied;
        long heldFor;
        long deliveredWhileHolding;
        SpoolLog spoolLog;
        SpoolLog.Position oldestLeft;
        lock.lock();
        try {
            for (int i = 0; i < batch.messages(); i++) {
                if (!taken.test(i)) {
                    continue;
                }
                Ticket ticket = batch.tickets().get(batch.ticketOf()[i]);
                if (ticket.delivered == null) {
                    ticket.delivered = new BitSet(ticket.entry.messages());
                }
                if (ticket.delivered.get(batch.placeOf()[i])) {
                    continue;
                }
                ticket.delivered.set(batch.placeOf()[i]);
                messages++;
                if (m != null) {
                    m.age.record(now - ticket.receivedAt);
                }
            }
            for (Ticket ticket : batch.tickets()) {
                if (ticket.delivered == null || ticket.delivered.cardinality() < ticket.entry.messages()) {
                    continue;
                }
                // The head, almost always: a batch is taken from it.
                if (spooled.peekFirst() == ticket) {
                    spooled.pollFirst();
                } else if (!spooled.remove(ticket)) {
                    continue;
                }
                leaveSpool(ticket);
            }
            depth -= messages;
            deliveredSinceHolding += messages;
            emptied = holdingSince != 0 && toSpool == 0 && spooled.isEmpty();
            heldFor = now - holdingSince;
            deliveredWhileHolding = deliveredSinceHolding;
            if (emptied) {
                holdingSince = 0;
                deliveredSinceHolding = 0;
            }
            spoolLog = log;
            Ticket head = spooled.peekFirst();
            oldestLeft = spoolLog == null ? null : head != null ? head.entry.position() : spoolLog.end();
            answered.signalAll();
        } finally {
            lock.unlock();
        }
        if (m != null) {
            m.delivered.increment(messages);
        }
        if (oldestLeft != null) {
            spoolLog.deliveredUpTo(oldestLeft);
        }
        if (emptied) {
            LOG.info("The spool is empty again after {}: {} delivered from it; webhooks go straight to Kafka",
                    SpoolLifecycle.seconds(heldFor), messages(deliveredWhileHolding));
        }
        return messages;
    }

    private boolean stopTakingBatches() {
        if (camelContext == null || !camelContext.isStopping()) {
            return false;
        }
        long now = System.nanoTime();
        if (stoppingSince == 0) {
            stoppingSince = now;
        }
        ShutdownStrategy shutdown = camelContext.getShutdownStrategy();
        long budget = shutdown.getTimeUnit().toNanos(shutdown.getTimeout()) * 2 / 3;
        return now - stoppingSince > budget;
    }

    private void openIfNeeded() {
        if (log == null && !closed) {
            open();
        }
    }

    /** Called with the lock held. */
    private SpoolLog openLog() throws IOException {
        if (log == null) {
            throw new IOException("the spool " + directory + " is not open");
        }
        return log;
    }

    static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    private static String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        if (cause == null) {
            return "no reason given";
        }
        while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    // --- Meters --------------------------------------------------------------------------------------

    /** The spool's meters, registered once the Camel context has its meter registry. */
    private record Meters(Counter written, Counter delivered, DistributionSummary age) {
    }

    private Meters meters() {
        return meters;
    }

    private Meters register(MeterRegistry registry) {
        String camelContextName = camelContext.getName();
        // A reload builds a new spool: its gauges replace the old one's.
        registry.find(DEPTH).gauges().forEach(registry::remove);
        registry.find(OLDEST_AGE).gauges().forEach(registry::remove);
        Gauge.builder(DEPTH, this, s -> s.state().depth())
                .strongReference(true).description("Messages in the spool, waiting for Kafka").register(registry);
        Gauge.builder(OLDEST_AGE, this, s -> s.state().oldestAgeMillis() / 1000d)
                .strongReference(true).baseUnit("seconds").description("How long the oldest message in the spool has waited")
                .register(registry);
        return new Meters(
                Counter.builder(WRITTEN).tag("camelContext", camelContextName).register(registry),
                Counter.builder(DELIVERED).tag("camelContext", camelContextName).register(registry),
                DistributionSummary.builder(AGE).tag("camelContext", camelContextName).register(registry));
    }
}
