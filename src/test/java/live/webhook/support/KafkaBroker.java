package live.webhook.support;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;

/**
 * A single-node Apache Kafka broker (KRaft, combined {@code broker,controller} roles) that runs
 * inside the current JVM, for tests. No Docker, no ZooKeeper, no network beyond 127.0.0.1.
 *
 * <p>Independent of any test framework: use it with try-with-resources, or from JUnit
 * {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = new KafkaBroker().start()) {
 *     kafka.createTopic("tencent.live.room-metadata", 1, Map.of("cleanup.policy", "compact"));
 *     // ... point the application at kafka.bootstrapServers() ...
 *     List<ConsumerRecord<String, String>> got =
 *             kafka.consume("tencent.live.room-metadata", 3, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <h2>Stop and start again</h2>
 * {@link #stop()} shuts the broker down cleanly and returns once its listening ports can be bound
 * again; {@link #start()} then brings it back <em>on the same ports and the same log directory</em>,
 * so {@link #bootstrapServers()} does not change and every record written before the stop is still
 * there. This is what a fault test needs: stop the broker, make the application spool, start it
 * again, expect everything to arrive. Clients that were connected simply reconnect.
 *
 * <h2>Things it does to the JVM</h2>
 * <ul>
 *   <li>Kafka's {@link Exit} procedures are replaced, once per JVM, by ones that throw instead of
 *       ending the JVM: a fatal broker fault (e.g. a deleted log dir) must fail a test, not kill the
 *       Surefire fork.</li>
 *   <li>If Logback is the SLF4J backend, the loggers {@code kafka}, {@code org.apache.kafka},
 *       {@code state.change.logger} and {@code org.apache.zookeeper} are set to WARN, unless a
 *       configuration file already gave them a level. (Logback with no configuration file logs
 *       everything at DEBUG.) Note this also quiets the Kafka <em>clients</em> of the code under
 *       test; a {@code logback-test.xml} that sets {@code org.apache.kafka} wins over it.</li>
 * </ul>
 *
 * <p>All waits are bounded (Awaitility or client timeouts); there is no {@code Thread.sleep} in here.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PORT_RELEASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicBoolean JVM_PREPARED = new AtomicBoolean();

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final boolean ownsLogDir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private KafkaRaftServer server;
    private boolean formatted;
    private boolean closed;

    /** A broker on a free loopback port, with a fresh temporary log dir deleted by {@link #close()}. */
    public KafkaBroker() {
        this(0, null);
    }

    /** A broker on the given loopback port ({@code 0} = pick a free one), with a temporary log dir. */
    public KafkaBroker(int port) {
        this(port, null);
    }

    /**
     * A broker on the given loopback port ({@code 0} = pick a free one) that keeps its data in
     * {@code logDir}. A {@code null} logDir means a temporary directory that {@link #close()} deletes;
     * a given directory is never deleted, and is reused as it is if it was formatted before.
     */
    public KafkaBroker(int port, Path logDir) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = freePort(this.port);
        try {
            this.ownsLogDir = logDir == null;
            this.logDir = ownsLogDir ? Files.createTempDirectory("kafka-broker-") : Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's log dir", e);
        }
    }

    /**
     * Sets or overrides one broker property (e.g. {@code log.retention.ms}) for the next {@link #start()}.
     * Listener, node id and log dir settings are managed by this class; changing them breaks restarts.
     */
    public synchronized KafkaBroker withBrokerProperty(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /**
     * Starts the broker (formatting the log dir on first use) and returns once it accepts requests.
     * Calling it on a running broker does nothing.
     */
    public synchronized KafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("broker was closed");
        }
        if (server != null) {
            return this;
        }
        prepareJvm();
        Properties props = brokerProperties();
        formatIfNeeded(props);
        // Normally immediate; only waits if something else briefly held the ports (bounded).
        awaitPortsFree("before start");
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            s.startup(); // returns once the broker is unfenced, i.e. serving
            server = s;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            shutdownQuietly(s);
            throw e;
        }
        return this;
    }

    /**
     * Shuts the broker down cleanly (data flushed) and returns once its ports can be bound again.
     * Calling it on a stopped broker does nothing. {@link #start()} brings it back.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
        awaitPortsFree("after stop");
    }

    /** Stops the broker and deletes the log dir if this class created it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsLogDir) {
                FileUtil.removeDir(logDir.toFile());
            }
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code 127.0.0.1:<port>}; the same before and after a restart. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path logDir() {
        return logDir;
    }

    /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs == null ? Map.of() : configs);
        try (Admin admin = Admin.create(adminConfig())) {
            get(admin.createTopics(List.of(topic)).all(), "create topic " + name);
            // Right after creation the broker may not know the topic yet (UnknownTopicOrPartition):
            // ask again until the bound, and fail with the last answer if it never comes.
            await("every partition of " + name + " has a leader")
                    .atMost(ADMIN_TIMEOUT)
                    .ignoreExceptions()
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        TopicDescription d = get(admin.describeTopics(List.of(name)).topicNameValues().get(name),
                                "describe topic " + name);
                        return d.partitions().size() == partitions
                                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                    });
        }
    }

    /** Reads a topic's configs as the broker reports them (dynamic and default ones). */
    public Map<String, String> topicConfig(String name) {
        org.apache.kafka.common.config.ConfigResource r =
                new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name);
        try (Admin admin = Admin.create(adminConfig())) {
            return get(admin.describeConfigs(List.of(r)).all(), "describe configs of " + name).get(r).entries().stream()
                    .filter(e -> e.value() != null)
                    .collect(Collectors.toMap(e -> e.name(), e -> e.value()));
        }
    }

    /**
     * Reads {@code topic} from the beginning of every partition with a real {@link KafkaConsumer}
     * (no consumer group, nothing committed) until at least {@code count} records arrived or
     * {@code timeout} passed, and returns what it got, in partition order per partition.
     * It does not throw on timeout: assert on the size of the result.
     */
    /** The last value of a record's header as UTF-8 text, or null when the record has none. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            try {
                // partitionsFor is empty while the topic does not exist (yet): retry, bounded.
                await("topic " + topic + " exists")
                        .atMost(remaining(deadline))
                        .pollInSameThread()
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            List<PartitionInfo> infos;
                            try {
                                infos = consumer.partitionsFor(topic, remaining(deadline));
                            } catch (org.apache.kafka.common.errors.TimeoutException noMetadataInTime) {
                                // A topic that does not exist can end in a metadata timeout rather
                                // than an empty answer: either way, no partitions yet.
                                return false;
                            }
                            partitions.clear();
                            if (infos != null) {
                                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                            }
                            return !partitions.isEmpty();
                        });
            } catch (ConditionTimeoutException e) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(remaining(deadline)).forEach(records::add);
            }
        }
        return records;
    }

    /** Producer settings for this broker: String key/value, acks=all, idempotence on. Mutable copy. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return c;
    }

    /** Consumer settings for this broker: String key/value, earliest, no auto-commit. Mutable copy. */
    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return c;
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", controller " + HOST + ":" + controllerPort
                + ", logDir " + logDir + ", " + (isRunning() ? "running" : "stopped") + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // Single node: every internal topic with one replica, few partitions (fast first group join).
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small machine (2 cores): fewer threads, and a small log-cleaner buffer instead of 128 MiB.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    /** Formats the log dir once (StorageTool "format"); an already formatted dir is kept as it is. */
    private void formatIfNeeded(Properties props) {
        if (formatted || Files.exists(logDir.resolve("meta.properties"))) {
            formatted = true;
            return;
        }
        try {
            Path config = Files.createTempFile("kafka-broker-", ".properties");
            try {
                try (OutputStream out = Files.newOutputStream(config)) {
                    props.store(out, "written by " + KafkaBroker.class.getName() + " for StorageTool format");
                }
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int rc;
                try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                    rc = StorageTool$.MODULE$.execute(
                            new String[] {"format", "-t", clusterId, "-c", config.toString()}, ps);
                }
                if (rc != 0) {
                    throw new IllegalStateException("kafka storage format failed (" + rc + "): "
                            + output.toString(StandardCharsets.UTF_8));
                }
                formatted = true;
            } finally {
                Files.deleteIfExists(config);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format " + logDir, e);
        }
    }

    /** startup() already waited for the broker to be unfenced; this proves the listener answers. */
    private void awaitReady() {
        try (Admin admin = Admin.create(adminConfig())) {
            get(admin.describeCluster().nodes(), "describe cluster");
        }
    }

    private void awaitPortsFree(String when) {
        await("ports " + port + "/" + controllerPort + " free " + when)
                .atMost(PORT_RELEASE_TIMEOUT)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> canBind(port) && canBind(controllerPort));
    }

    /**
     * Whether a server socket can bind the port now. SO_REUSEADDR is on, as for Kafka's own acceptor
     * (the JDK sets it on server sockets on Linux), so connections left in TIME_WAIT do not block it.
     */
    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(int... avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int p = s.getLocalPort();
                if (java.util.Arrays.stream(avoid).noneMatch(a -> a == p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("no free port on " + HOST);
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return c;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(START_TIMEOUT.toMillis(), MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("failed: " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out: " + what, e);
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException ignored) {
            // already failing; the original exception is the one that matters
        }
    }


    /** Once per JVM: make Kafka's fatal-exit paths throw, and quiet its loggers (see class doc). */
    private static void prepareJvm() {
        if (!JVM_PREPARED.compareAndSet(false, true)) {
            return;
        }
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka wanted to exit the JVM (" + status + "): " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("Kafka wanted to halt the JVM (" + status + "): " + message);
        });
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger
                    && logger.getLevel() == null) {
                logger.setLevel(Level.WARN);
            }
        }
    }
}
