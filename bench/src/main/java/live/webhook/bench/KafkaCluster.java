package live.webhook.bench;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Apache Kafka cluster of {@code N} KRaft nodes (normally 3), each its own OS process, for
 * fault tests and benchmarks. Every node is a combined {@code broker,controller} with static voters
 * ({@code controller.quorum.voters}), its own {@code log.dirs} and its own two 127.0.0.1 ports
 * (client and controller; two more {@link #withSecurity() with security}), which stay the same
 * across restarts.
 *
 * <p>Why processes and not brokers inside the test JVM: the faults that matter are signals. A
 * SIGKILLed node gets no shutdown at all, and its peers learn of it only when its session times
 * out; a SIGSTOPped node keeps its connections open and answers nothing; a SIGTERMed node does a
 * controlled shutdown. None of that can be done to one broker among several in one JVM, and a node
 * that halts must not take the test JVM with it.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = new KafkaCluster(3, null).start()) {
 *     kafka.createTopic("t", 3, 3, Map.of("min.insync.replicas", "2"));
 *     kafka.kill(kafka.leaderOf("t", 0));       // SIGKILL
 *     kafka.start(1);                           // same ports, same data
 *     kafka.awaitFullIsr("t", Duration.ofSeconds(30));
 *     kafka.rollingRestart();                   // SIGTERM + start, one node at a time
 * }
 * }</pre>
 *
 * <h2>Nodes</h2>
 * Node ids are {@code 1..N}. A node is launched as
 * {@code java -Xms256m -Xmx384m -XX:+UseSerialGC -cp <classpath> kafka.Kafka node-<id>/server.properties},
 * its stdout and stderr appended to {@code <dir>/node-<id>.log}. The classpath is the running JVM's
 * {@code java.class.path} unless {@link #withClasspath} says otherwise; under Surefire/Failsafe that
 * may be a manifest-only booter jar, which works as well because {@code java -cp} follows its
 * {@code Class-Path}. Each node's storage is formatted once, before its first start, by
 * {@code kafka.tools.StorageTool format} run with the same java and classpath, with one cluster id
 * for all. The child logs through Logback with a configuration this class writes
 * ({@code <dir>/logback-node.xml}: WARN, plus the lines that say a node started, stopped, or was
 * fenced; not the connection failures repeated while a peer is down), so a node's log stays short
 * whatever Logback file the classpath carries.
 *
 * <h2>Broker settings</h2>
 * Sized for a small machine (2 network and 2 I/O threads, an 8 MiB log-cleaner buffer),
 * {@code auto.create.topics.enable=false}, {@code group.initial.rebalance.delay.ms=0}. Internal
 * topics get {@code min(3, N)} replicas; {@code __consumer_offsets} has 3 partitions and, like every
 * topic that does not set it, {@code min.insync.replicas=1}, so a consumer group keeps working with
 * one node left; the transaction state log has one partition. A topic chooses its own
 * {@code min.insync.replicas} ({@link #createTopic}). {@link #withBrokerProperty} adds or overrides
 * any of them, e.g. a shorter {@code broker.session.timeout.ms} (default 9 s: how long a SIGKILLed
 * node stalls {@code acks=all} producers before the controller fences it).
 *
 * <h2>No orphans</h2>
 * {@link #close()} kills every node. If it is never called, a JVM shutdown hook kills them, and where
 * {@code setpriv} (util-linux) exists every node is started under {@code setpriv --pdeathsig KILL}
 * from one long-lived thread, so the kernel kills the nodes even when the JVM itself is SIGKILLed
 * (the parent-death signal follows the thread that started the child, hence the one thread).
 *
 * <h2>Security</h2>
 * {@link #withSecurity()} (before the first start) gives every node two more listeners besides its
 * PLAINTEXT one, which stays for the class's own admin client, the inter-broker traffic and every
 * existing user of the class; the controller listener stays PLAINTEXT as well:
 * <ul>
 *   <li>{@link Listener#SASL_SSL}: TLS, then SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN;</li>
 *   <li>{@link Listener#SSL}: mutual TLS ({@code ssl.client.auth=required}).</li>
 * </ul>
 * The users, passwords and stores are a {@link KafkaSecurity}'s ({@link #security()}); the SCRAM
 * user is written into the cluster metadata when the storage is formatted.
 *
 * <pre>{@code
 * try (KafkaCluster kafka = new KafkaCluster(1, null).withSecurity().start()) {
 *     kafka.bootstrapServers(Listener.SASL_SSL);        // 127.0.0.1:<port>
 *     kafka.clientConfig(Listener.SASL_SSL);            // + SCRAM-SHA-512 user, PKCS12 truststore
 *     kafka.clientConfig(Listener.SSL);                 // + client keystore
 *     kafka.security().plain();                         // user name and password for PLAIN
 *     kafka.security().tls().pemTruststore();           // ca.crt, type PEM
 * }
 * }</pre>
 *
 * <p>Every wait is bounded (Awaitility, process and client timeouts); nothing sleeps to
 * synchronise. Linux only ({@code kill -STOP}, {@code /proc}).
 */
public final class KafkaCluster implements AutoCloseable {

    /** A node's client listeners: PLAINTEXT always, the others with {@link #withSecurity()}. */
    public enum Listener {
        PLAINTEXT, SASL_SSL, SSL
    }

    private static final String HOST = "127.0.0.1";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ISR_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * Per call, for the reads that polls repeat: a call that went to a paused node gives up after
     * this and the next poll goes elsewhere, instead of waiting out the default API timeout.
     */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final List<String> NODE_JVM = List.of("-Xms256m", "-Xmx384m", "-XX:+UseSerialGC");
    private static final List<String> TOOL_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Every node process of every cluster in this JVM, for the shutdown hook. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /**
     * Starts every node process. One thread for the JVM's life: a child's parent-death signal fires
     * when the thread that forked it ends, not only when the JVM does. Tasks go in by submit(), so
     * an exception never replaces the thread.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kafka-cluster-launcher");
        t.setDaemon(true);
        return t;
    });
    private static final String SETPRIV = findOnPath("setpriv");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kafka-cluster-reaper"));
    }

    private final Path dir;
    private final boolean ownsDir;
    private final List<NodeState> nodes;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>(NODE_JVM);
    private Admin admin;
    private KafkaSecurity security;
    private boolean closed;

    /**
     * A cluster of {@code nodes} nodes on free 127.0.0.1 ports. Its files go to {@code dir}, which is
     * created if needed, must not hold an earlier cluster, and is kept by {@link #close()} (the node
     * logs are what explains a failed test). A {@code null} dir means a temporary directory that
     * {@link #close()} deletes.
     */
    public KafkaCluster(int nodes, Path dir) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + nodes);
        }
        try {
            this.ownsDir = dir == null;
            this.dir = (ownsDir ? Files.createTempDirectory("kafka-cluster-") : Files.createDirectories(dir))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster's directory", e);
        }
        if (Files.exists(this.dir.resolve("node-1"))) {
            throw new IllegalArgumentException(this.dir + " already holds a cluster (node-1/): give an empty directory");
        }
        List<Integer> taken = new ArrayList<>();
        List<NodeState> list = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            int port = freePort(taken);
            taken.add(port);
            int controllerPort = freePort(taken);
            taken.add(controllerPort);
            list.add(new NodeState(id, port, controllerPort, this.dir.resolve("node-" + id)));
        }
        this.nodes = List.copyOf(list);
    }

    /**
     * Sets or overrides a broker property on every node from its next start on (so before
     * {@link #start()}, or between {@link #terminate} and {@link #start(int)}). Node id, listeners,
     * voters and log dir are this class's; changing them breaks restarts.
     */
    public synchronized KafkaCluster withBrokerProperty(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /**
     * JVM options for the nodes from their next start on, after {@code -Xms256m -Xmx384m
     * -XX:+UseSerialGC} (a later {@code -Xmx} wins). E.g. {@code -XX:TieredStopAtLevel=1}: a node
     * then starts on about 3 s of CPU instead of 5-7 s, and serves less at its peak.
     */
    public synchronized KafkaCluster withJvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /**
     * Adds the SASL_SSL and mutual-TLS listeners (see the class comment) with new stores and users in
     * {@code <dir>/security}. Before the first {@link #start()}: the SCRAM user goes in when the
     * storage is formatted.
     */
    public synchronized KafkaCluster withSecurity() {
        return withSecurity(KafkaSecurity.create(dir.resolve("security")));
    }

    /** As {@link #withSecurity()}, with stores and users made beforehand (shared, or in a place of one's own). */
    public synchronized KafkaCluster withSecurity(KafkaSecurity security) {
        checkOpen();
        if (this.security != null) {
            throw new IllegalStateException("security is set already");
        }
        if (nodes.stream().anyMatch(n -> n.formatted() || n.alive())) {
            throw new IllegalStateException("security must be set before the first start: the SCRAM user is"
                    + " written when the storage is formatted");
        }
        List<Integer> taken = new ArrayList<>();
        nodes.forEach(n -> taken.addAll(List.of(n.port, n.controllerPort)));
        for (NodeState n : nodes) {
            n.saslSslPort = freePort(taken);
            taken.add(n.saslSslPort);
            n.sslPort = freePort(taken);
            taken.add(n.sslPort);
        }
        this.security = Objects.requireNonNull(security, "security");
        return this;
    }

    /** The stores, users and passwords of a cluster {@link #withSecurity() with security}, else {@code null}. */
    public synchronized KafkaSecurity security() {
        return security;
    }

    /** The classpath the nodes run with (it must hold {@code kafka_2.13} and a Logback or SLF4J backend). */
    public synchronized KafkaCluster withClasspath(String classpath) {
        this.classpath = classpath;
        return this;
    }

    /**
     * Formats every node's storage that is not formatted yet, starts every node that is not
     * running, all at once (the controllers need a majority to elect a leader), and returns when
     * each one is registered, unfenced and answering requests.
     */
    public synchronized KafkaCluster start() {
        checkOpen();
        writeLoggingConfig();
        List<NodeState> toFormat = nodes.stream().filter(n -> !n.formatted()).toList();
        formatAll(toFormat);
        List<NodeState> toStart = nodes.stream().filter(n -> !n.alive()).toList();
        for (NodeState n : toStart) {
            launch(n);
        }
        for (NodeState n : toStart) {
            awaitServing(n);
        }
        return this;
    }

    /** Starts node {@code id} again, on its ports and its data, and returns when it serves. */
    public synchronized void start(int id) {
        checkOpen();
        NodeState n = node(id);
        if (n.alive()) {
            return;
        }
        if (!n.formatted()) {
            formatAll(List.of(n));
        }
        launch(n);
        awaitServing(n);
    }

    /** SIGKILL; returns when the process is gone. A paused node is killed as well. */
    public synchronized void kill(int id) {
        NodeState n = node(id);
        Process p = n.process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        awaitExit(n, KILL_TIMEOUT, "SIGKILL");
    }

    /**
     * SIGTERM (a paused node is resumed first, or it could not act on it), then waits, bounded, for
     * the clean exit: a controlled shutdown that hands its leaderships over. Returns the exit code
     * (143 after the JVM ran its shutdown hooks on SIGTERM). A node that does not exit in time is
     * killed and this throws.
     */
    public synchronized int terminate(int id) {
        NodeState n = node(id);
        Process p = n.process;
        if (p == null) {
            return -1;
        }
        if (n.paused) {
            resume(id);
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), MILLISECONDS)) {
                p.destroyForcibly();
                awaitExit(n, KILL_TIMEOUT, "SIGKILL after SIGTERM");
                throw new IllegalStateException("node " + id + " did not exit within " + STOP_TIMEOUT
                        + " of SIGTERM; killed it. See " + n.log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for node " + id + " to exit", e);
        }
        int code = p.exitValue();
        forget(n);
        return code;
    }

    /** SIGSTOP: the process holds its sockets and answers nothing. Returns once it is stopped. */
    public synchronized void pause(int id) {
        NodeState n = runningNode(id);
        signal(n, "STOP");
        await("node " + id + " stopped").atMost(SIGNAL_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> procState(n.process.pid()) == 'T');
        n.paused = true;
    }

    /** SIGCONT; returns once the process runs again (not once it caught up: see {@link #awaitFullIsr}). */
    public synchronized void resume(int id) {
        NodeState n = runningNode(id);
        signal(n, "CONT");
        await("node " + id + " running").atMost(SIGNAL_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> procState(n.process.pid()) != 'T');
        n.paused = false;
    }

    /** SIGTERM and start again, one node at a time, the active controller last; see {@link #rollingRestart(Duration)}. */
    public void rollingRestart() {
        rollingRestart(ISR_TIMEOUT);
    }

    /**
     * For each node, the active controller last (one controller failover instead of up to N):
     * {@link #terminate}, {@link #start(int)}, then wait until every partition of every topic,
     * internal ones included, has its full ISR again before the next node, as an operator waits for
     * no under-replicated partitions.
     */
    public synchronized void rollingRestart(Duration isrWithin) {
        checkOpen();
        int controller = get(admin().describeMetadataQuorum().quorumInfo(), "describe metadata quorum").leaderId();
        List<Integer> order = nodes.stream().map(n -> n.id).sorted(Comparator.comparing(id -> id == controller))
                .toList();
        for (int id : order) {
            terminate(id);
            start(id);
            awaitFullIsr(allTopics(), isrWithin);
        }
    }

    /**
     * Creates a topic and returns when every partition has a leader and its full ISR, as seen by
     * the cluster's metadata.
     */
    public void createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) replicationFactor)
                .configs(configs == null ? Map.of() : configs);
        get(admin().createTopics(List.of(topic)).all(), "create topic " + name);
        awaitFullIsr(List.of(name), ADMIN_TIMEOUT);
    }

    /** The node id leading a partition now, or -1 when it has none. */
    public int leaderOf(String topic, int partition) {
        TopicPartitionInfo p = await("metadata of " + topic + "-" + partition).atMost(ADMIN_TIMEOUT)
                .ignoreExceptions().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> describe(List.of(topic)).get(topic).partitions().get(partition), Objects::nonNull);
        return p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
    }

    /** Waits until every partition of {@code topic} has a leader and all its replicas in sync. */
    public void awaitFullIsr(String topic, Duration within) {
        awaitFullIsr(List.of(topic), within);
    }

    /**
     * Waits until the cluster no longer lists node {@code id} among its live brokers, i.e. the
     * controller fenced it (after {@code broker.session.timeout.ms} without a heartbeat) or it shut
     * down cleanly. Throws a {@link ConditionTimeoutException} that says what the cluster said last
     * (its live brokers, its quorum, each node's last controller event).
     */
    public void awaitFenced(int id, Duration within) {
        node(id);
        AtomicReference<Object> lastAnswer = new AtomicReference<>("no answer yet");
        try {
            await("node " + id + " fenced").atMost(within).ignoreExceptions().pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        try {
                            Set<Integer> live = get(admin().describeCluster(new DescribeClusterOptions()
                                    .timeoutMs((int) PROBE_TIMEOUT.toMillis())).nodes(), "describe cluster")
                                    .stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
                            lastAnswer.set("live brokers " + live);
                            return !live.contains(id);
                        } catch (RuntimeException e) {
                            lastAnswer.set(e);
                            throw e;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            // A fence takes broker.session.timeout.ms plus, when the node was the active controller,
            // an election; what the cluster said last is what tells a slow machine from a stuck quorum.
            throw new ConditionTimeoutException("node " + id + " not fenced within " + within + "; last answer: "
                    + lastAnswer.get() + "; " + quorum() + "; " + controllerEvents(), e);
        }
    }

    /** Each node's last word on the quorum's leader and on fencing, for a failure message. */
    private String controllerEvents() {
        StringBuilder b = new StringBuilder("last controller events:");
        for (NodeState n : nodes) {
            String last = "none";
            try (Stream<String> lines = Files.lines(n.log())) {
                last = lines.filter(l -> l.contains("the leader is") || l.contains("Becoming the active")
                        || l.contains("Fencing broker")).reduce((a, c) -> c).orElse("none");
            } catch (IOException | UncheckedIOException e) {
                last = "unreadable: " + e;
            }
            b.append(" [node ").append(n.id).append("] ").append(last);
        }
        return b.append(" (logs in ").append(dir).append(')').toString();
    }

    /** The KRaft quorum as its leader describes it, for a failure message; never throws. */
    private String quorum() {
        try {
            QuorumInfo q = get(admin().describeMetadataQuorum(new DescribeMetadataQuorumOptions()
                    .timeoutMs((int) PROBE_TIMEOUT.toMillis())).quorumInfo(), "describe quorum");
            return "quorum leader " + q.leaderId() + " epoch " + q.leaderEpoch() + " high watermark "
                    + q.highWatermark() + ", voters " + q.voters().stream()
                            .map(v -> v.replicaId() + "@" + v.logEndOffset()).toList();
        } catch (RuntimeException e) {
            return "quorum not described: " + e;
        }
    }

    /** Whether node {@code id}'s process exists (a paused one does). */
    public synchronized boolean isRunning(int id) {
        return node(id).alive();
    }

    /** The process id of a running node. */
    public synchronized long pid(int id) {
        return runningNode(id).process.pid();
    }

    /** The node's log ({@code <dir>/node-<id>.log}), appended to by every start. */
    public Path log(int id) {
        return node(id).log();
    }

    public int size() {
        return nodes.size();
    }

    public Path dir() {
        return dir;
    }

    /** Every node's client listener, comma-separated; the same across restarts. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.port).collect(Collectors.joining(","));
    }

    /** {@code bootstrap.servers} for producers, consumers and admin clients. A mutable copy. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return c;
    }

    /** Every node's {@code listener}, comma-separated; the same across restarts. */
    public synchronized String bootstrapServers(Listener listener) {
        return nodes.stream().map(n -> HOST + ":" + port(n, listener)).collect(Collectors.joining(","));
    }

    /**
     * A mutable copy of what a client needs for {@code listener}: {@link #clientConfig()} for
     * PLAINTEXT; for SASL_SSL the SCRAM-SHA-512 user and the PKCS12 truststore
     * ({@link KafkaSecurity#saslSslClient}); for SSL the truststore and the client keystore
     * ({@link KafkaSecurity#mutualTlsClient}).
     */
    public synchronized Map<String, Object> clientConfig(Listener listener) {
        Map<String, Object> c = switch (listener) {
            case PLAINTEXT -> new HashMap<>();
            case SASL_SSL -> requireSecurity().saslSslClient("SCRAM-SHA-512");
            case SSL -> requireSecurity().mutualTlsClient();
        };
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(listener));
        return c;
    }

    /** Kills every node, closes the admin client and deletes the directory if this class made it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        } finally {
            for (NodeState n : nodes) {
                if (n.process != null) {
                    n.process.destroyForcibly();
                }
            }
            for (NodeState n : nodes) {
                if (n.process != null) {
                    awaitExit(n, KILL_TIMEOUT, "SIGKILL on close");
                }
            }
            if (ownsDir) {
                FileUtil.removeDir(dir.toFile());
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "KafkaCluster[" + nodes.stream()
                .map(n -> n.id + "@" + HOST + ":" + n.port + "/" + n.controllerPort
                        + (security == null ? "" : " sasl_ssl:" + n.saslSslPort + " ssl:" + n.sslPort)
                        + (n.alive() ? (n.paused ? " paused" : " running") : " down"))
                .collect(Collectors.joining(", ")) + ", dir " + dir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private static final class NodeState {
        final int id;
        final int port;
        final int controllerPort;
        /** 0 without security. */
        int saslSslPort;
        int sslPort;
        final Path home;
        Process process;
        boolean paused;

        NodeState(int id, int port, int controllerPort, Path home) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.home = home;
        }

        Path data() {
            return home.resolve("data");
        }

        Path config() {
            return home.resolve("server.properties");
        }

        Path log() {
            return home.resolveSibling("node-" + id + ".log");
        }

        boolean formatted() {
            return Files.exists(data().resolve("meta.properties"));
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    private NodeState node(int id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no node " + id + " in a cluster of " + nodes.size());
        }
        return nodes.get(id - 1);
    }

    private NodeState runningNode(int id) {
        NodeState n = node(id);
        if (!n.alive()) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        return n;
    }

    private KafkaSecurity requireSecurity() {
        if (security == null) {
            throw new IllegalStateException("this cluster has no secured listeners: see withSecurity()");
        }
        return security;
    }

    private int port(NodeState n, Listener listener) {
        return switch (listener) {
            case PLAINTEXT -> n.port;
            case SASL_SSL -> {
                requireSecurity();
                yield n.saslSslPort;
            }
            case SSL -> {
                requireSecurity();
                yield n.sslPort;
            }
        };
    }

    /** Every port a node binds. */
    private List<Integer> ports(NodeState n) {
        return security == null ? List.of(n.port, n.controllerPort)
                : List.of(n.port, n.controllerPort, n.saslSslPort, n.sslPort);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cluster was closed");
        }
    }

    private Properties brokerProperties(NodeState n) {
        int replicas = Math.min(3, nodes.size());
        Properties p = new Properties();
        p.put("node.id", String.valueOf(n.id));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + n.port + ",CONTROLLER://" + HOST + ":" + n.controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + n.port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", nodes.stream()
                .map(v -> v.id + "@" + HOST + ":" + v.controllerPort).collect(Collectors.joining(",")));
        p.put("log.dirs", n.data().toString());
        p.put("auto.create.topics.enable", "false");
        p.put("default.replication.factor", String.valueOf(replicas));
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Internal topics: replicated like the topics under test, few partitions (2 cores, 3 JVMs).
        p.put("offsets.topic.replication.factor", String.valueOf(replicas));
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        p.put("transaction.state.log.min.isr", String.valueOf(Math.min(2, replicas)));
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small machine: fewer threads, and a small log-cleaner buffer instead of 128 MiB per node.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        if (security != null) {
            addSecurity(p, n);
        }
        p.putAll(overrides);
        return p;
    }

    /**
     * The secured listeners next to PLAINTEXT, which stays the inter-broker listener (it must be one
     * of the node's own). One broker keystore for both: its certificate serves TLS and, being also a
     * clientAuth certificate, would do for a broker that connects over TLS. The truststore is the one
     * the mutual-TLS listener checks client certificates against.
     */
    private void addSecurity(Properties p, NodeState n) {
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + n.port + ",CONTROLLER://" + HOST + ":" + n.controllerPort
                + ",SASL_SSL://" + HOST + ":" + n.saslSslPort + ",SSL://" + HOST + ":" + n.sslPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + n.port + ",SASL_SSL://" + HOST + ":"
                + n.saslSslPort + ",SSL://" + HOST + ":" + n.sslPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL");
        KafkaTls tls = security.tls();
        tls.brokerKeystore().asKeystore().forEach((k, v) -> p.put(k, String.valueOf(v)));
        tls.truststore().asTruststore().forEach((k, v) -> p.put(k, String.valueOf(v)));
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.putAll(security.brokerSaslProperties("SASL_SSL"));
    }

    private void writeConfig(NodeState n) {
        try {
            Files.createDirectories(n.data());
            if (security != null && !Files.exists(n.config())) {
                // It holds the store passwords and the PLAIN users' passwords.
                Files.createFile(n.config(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (OutputStream out = Files.newOutputStream(n.config())) {
                brokerProperties(n).store(out, "node " + n.id + ", written by " + KafkaCluster.class.getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + n.config(), e);
        }
    }

    /** Logback for the nodes: WARN, and the few INFO lines that date a start, a stop or a fencing. */
    private void writeLoggingConfig() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by %s for its Kafka nodes. -->
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{36} - %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <logger name="kafka.server.BrokerLifecycleManager" level="INFO"/>
                  <logger name="org.apache.kafka.controller.ReplicationControlManager" level="INFO"/>
                  <logger name="org.apache.kafka.controller.QuorumController" level="INFO"/>
                  <!-- While a peer is down these say so every 50 ms (heartbeats) or every second with a
                       stack trace (replica fetchers): the node's log would be little else. -->
                  <logger name="org.apache.kafka.clients.NetworkClient" level="ERROR"/>
                  <logger name="kafka.server.ReplicaFetcherThread" level="ERROR"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """.formatted(KafkaCluster.class.getName());
        try {
            Files.writeString(loggingConfig(), xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + loggingConfig(), e);
        }
    }

    private Path loggingConfig() {
        return dir.resolve("logback-node.xml");
    }

    private List<String> javaCommand(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlogback.configurationFile=" + loggingConfig());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** StorageTool format for each node, in parallel child processes, with one cluster id. */
    private void formatAll(List<NodeState> toFormat) {
        if (toFormat.isEmpty()) {
            return;
        }
        writeLoggingConfig();
        List<Process> running = new ArrayList<>();
        try {
            for (NodeState n : toFormat) {
                writeConfig(n);
                appendMarker(n, "format");
                List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", n.config().toString()));
                if (security != null) {
                    args.addAll(security.scramFormatArguments());
                }
                ProcessBuilder b = new ProcessBuilder(javaCommand(TOOL_JVM, "kafka.tools.StorageTool",
                        args.toArray(String[]::new)));
                b.redirectErrorStream(true);
                b.redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile()));
                b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                running.add(b.start());
            }
            for (int i = 0; i < running.size(); i++) {
                Process p = running.get(i);
                NodeState n = toFormat.get(i);
                if (!p.waitFor(FORMAT_TIMEOUT.toMillis(), MILLISECONDS)) {
                    throw new IllegalStateException("StorageTool format of node " + n.id + " did not end within "
                            + FORMAT_TIMEOUT + ", see " + n.log());
                }
                if (p.exitValue() != 0 || !n.formatted()) {
                    throw new IllegalStateException("StorageTool format of node " + n.id + " failed (exit "
                            + p.exitValue() + "): " + tail(n.log()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run StorageTool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting", e);
        } finally {
            running.forEach(Process::destroyForcibly);
        }
    }

    private void launch(NodeState n) {
        writeConfig(n);
        // After a kill or a stop the ports are free at once; this only waits if something else held one.
        await("ports " + ports(n) + " of node " + n.id + " free").atMost(ADMIN_TIMEOUT)
                .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> ports(n).stream().allMatch(KafkaCluster::canBind));
        appendMarker(n, "start");
        List<String> cmd = new ArrayList<>();
        if (SETPRIV != null) {
            cmd.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        }
        cmd.addAll(javaCommand(jvmOptions, "kafka.Kafka", n.config().toString()));
        ProcessBuilder b = new ProcessBuilder(cmd);
        b.redirectErrorStream(true);
        b.redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile()));
        b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Future<Process> started = LAUNCHER.submit(b::start);
        Process p;
        try {
            p = started.get(ADMIN_TIMEOUT.toMillis(), MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting node " + n.id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot start node " + n.id + ": " + cmd, e);
        }
        LIVE.add(p);
        n.process = p;
        n.paused = false;
    }

    /**
     * The node's client port accepts connections (checked first, so the admin client does not log a
     * refused connection every few milliseconds), an admin client that knows only this node gets its
     * metadata from it, and the cluster lists the node as a live (registered, unfenced) broker.
     */
    private void awaitServing(NodeState n) {
        Map<String, Object> config = adminConfig(HOST + ":" + n.port);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-cluster-probe-" + n.id);
        try {
            await("node " + n.id + " listening").atMost(START_TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        checkAlive(n);
                        return canConnect(n.port);
                    });
            try (Admin nodeAdmin = Admin.create(config)) {
                await("node " + n.id + " registered and serving").atMost(START_TIMEOUT).pollInSameThread()
                        .pollDelay(Duration.ZERO).pollInterval(POLL)
                        .ignoreExceptionsMatching(e -> !(e instanceof NodeDied))
                        .until(() -> {
                            checkAlive(n);
                            List<Node> live = List.copyOf(nodeAdmin.describeCluster().nodes()
                                    .get(ADMIN_TIMEOUT.toMillis(), MILLISECONDS));
                            return live.stream().anyMatch(node -> node.id() == n.id);
                        });
            }
            if (security != null) {
                awaitSecureServing(n);
            }
        } catch (NodeDied | ProbeRefused e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /**
     * An admin client over SASL_SSL as the SCRAM user gets the cluster's metadata from the node: the
     * TLS set-up works and the SCRAM credential is in the metadata. A refused log-in ends the wait at
     * once instead of after the start time-out. The mutual-TLS listener opens with the same socket
     * server, so its accepting connections is enough.
     */
    private void awaitSecureServing(NodeState n) {
        Map<String, Object> config = security.saslSslClient("SCRAM-SHA-512");
        config.putAll(adminConfig(HOST + ":" + n.saslSslPort));
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-cluster-secure-probe-" + n.id);
        try (Admin nodeAdmin = Admin.create(config)) {
            await("node " + n.id + " serving SCRAM over SASL_SSL").atMost(START_TIMEOUT).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(POLL)
                    .ignoreExceptionsMatching(e -> !(e instanceof NodeDied) && !(e instanceof ProbeRefused))
                    .until(() -> {
                        checkAlive(n);
                        try {
                            return nodeAdmin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), MILLISECONDS)
                                    .stream().anyMatch(node -> node.id() == n.id);
                        } catch (ExecutionException e) {
                            if (e.getCause() instanceof AuthenticationException refused) {
                                throw new ProbeRefused("node " + n.id + " refused the SCRAM user on SASL_SSL: "
                                        + refused + tail(n.log()));
                            }
                            throw e;
                        }
                    });
        }
        await("node " + n.id + " mutual-TLS port open").atMost(START_TIMEOUT).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> {
                    checkAlive(n);
                    return canConnect(n.sslPort);
                });
    }

    private static final class NodeDied extends RuntimeException {
        NodeDied(String message) {
            super(message);
        }
    }

    private static final class ProbeRefused extends RuntimeException {
        ProbeRefused(String message) {
            super(message);
        }
    }

    private void checkAlive(NodeState n) {
        if (!n.alive()) {
            int code = n.process == null ? -1 : n.process.exitValue();
            forget(n);
            throw new NodeDied("node " + n.id + " exited (" + code + ") while starting: " + tail(n.log()));
        }
    }

    private void awaitExit(NodeState n, Duration within, String what) {
        try {
            if (!n.process.waitFor(within.toMillis(), MILLISECONDS)) {
                throw new IllegalStateException("node " + n.id + " (pid " + n.process.pid() + ") still there "
                        + within + " after " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for node " + n.id + " to exit", e);
        }
        forget(n);
    }

    private void forget(NodeState n) {
        if (n.process != null) {
            LIVE.remove(n.process);
        }
        n.process = null;
        n.paused = false;
    }

    private static void signal(NodeState n, String signal) {
        long pid = n.process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), MILLISECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + signal, e);
        }
    }

    /** The state letter of {@code /proc/<pid>/stat} (R, S, D, T for stopped, Z, ...). */
    private static char procState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
        // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private List<String> allTopics() {
        return List.copyOf(get(admin().listTopics(new ListTopicsOptions().listInternal(true)).names(), "list topics"));
    }

    private void awaitFullIsr(List<String> topics, Duration within) {
        if (topics.isEmpty()) {
            return;
        }
        await("full ISR on every partition of " + topics).atMost(within).ignoreExceptions().pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(POLL)
                .until(() -> describe(topics).values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                                && p.isr().size() == p.replicas().size()));
    }

    private Map<String, TopicDescription> describe(List<String> topics) {
        return get(admin().describeTopics(topics, new DescribeTopicsOptions()
                .timeoutMs((int) PROBE_TIMEOUT.toMillis())).allTopicNames(), "describe topics " + topics);
    }

    private synchronized Admin admin() {
        checkOpen();
        if (admin == null) {
            admin = Admin.create(adminConfig(bootstrapServers()));
        }
        return admin;
    }

    private static Map<String, Object> adminConfig(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-cluster-admin");
        // Long enough for a CreateTopics on a busy machine (a retried one would find its own topic);
        // the polled reads have their own, shorter, per-call timeout.
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return c;
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("failed: " + what, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out: " + what, e);
        }
    }

    private static void appendMarker(NodeState n, String what) {
        try {
            Files.writeString(n.log(), "---- " + Instant.now() + " " + what + " node " + n.id + " ----\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the port can be bound now, with SO_REUSEADDR as Kafka binds it (TIME_WAIT does not count). */
    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(List<Integer> avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int p = s.getLocalPort();
                if (!avoid.contains(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("no free port on " + HOST);
    }

    private static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, program))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst().orElse(null);
    }

}
