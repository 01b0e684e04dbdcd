package live.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import live.webhook.bench.KafkaCluster;
import live.webhook.bench.KafkaCluster.Listener;
import live.webhook.bench.KafkaSecurity;
import live.webhook.bench.KafkaSecurity.Credentials;
import live.webhook.bench.KafkaTls;
import org.apache.camel.util.FileUtil;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * Proves {@link KafkaCluster#withSecurity()} with plain kafka-clients: one node, a SASL_SSL listener
 * (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) and a mutual-TLS one. Each way in that should work produces
 * a record and reads it back; the ways that should not are refused with the client's authentication
 * error, and a refused password is in no log line. Every topic is created over a secured listener.
 * The node's files stay in {@code target/secure-kafka-it/}.
 */
// About 30 s here, most of it keytool and the node's start; a loaded 2-core machine takes longer.
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureKafkaIT {

    private static final Path DIR = Path.of("target", "secure-kafka-it");
    private static final Duration ROUND_TRIP = Duration.ofSeconds(60);
    /** How long a refused client is given to report why: several reconnects, each a full TLS handshake. */
    private static final Duration REFUSAL = Duration.ofSeconds(60);

    private static KafkaCluster kafka;
    private static KafkaSecurity security;

    @BeforeAll
    static void start() throws Exception {
        FileUtil.removeDir(DIR.toFile());
        long t0 = System.nanoTime();
        security = KafkaSecurity.create(DIR.resolve("security"));
        long made = System.nanoTime();
        kafka = new KafkaCluster(1, DIR).withSecurity(security).withJvmOptions("-XX:TieredStopAtLevel=1").start();
        log("stores and users made in %d ms, node serving %d ms later: %s", (made - t0) / 1_000_000,
                ms(made), kafka);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void scramSha512OverSaslSslWithThePkcs12Truststore() throws Exception {
        Map<String, Object> c = kafka.clientConfig(Listener.SASL_SSL);
        assertThat(c).containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        roundTrip(c, "scram-512");
    }

    @Test
    void scramSha256OverSaslSsl() throws Exception {
        roundTrip(withBootstrap(security.saslSslClient("SCRAM-SHA-256"), Listener.SASL_SSL), "scram-256");
    }

    @Test
    void plainOverSaslSsl() throws Exception {
        Map<String, Object> c = withBootstrap(security.saslSslClient("PLAIN"), Listener.SASL_SSL);
        assertThat((String) c.get("sasl.jaas.config")).contains(KafkaSecurity.PLAIN_USER);
        roundTrip(c, "plain");
    }

    @Test
    void scramOverSaslSslWithThePemTruststore() throws Exception {
        KafkaTls.Store pem = security.tls().pemTruststore();
        assertThat(pem.password()).isNull();
        Map<String, Object> c = withBootstrap(KafkaSecurity.saslSslClient("SCRAM-SHA-512", security.scram(), pem),
                Listener.SASL_SSL);
        assertThat(c).containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
                .doesNotContainKey(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        roundTrip(c, "scram-pem");
    }

    @Test
    void mutualTlsWithTheClientKeystore() throws Exception {
        roundTrip(kafka.clientConfig(Listener.SSL), "mtls");
    }

    /** What a pod mounting Strimzi's Secrets has: files, and passwords in files next to them. */
    @Test
    void strimziShapedFilesServeMutualTlsAndScram() throws Exception {
        Path s = security.strimziDir();
        assertThat(Files.list(s).map(p -> p.getFileName().toString()).toList())
                .contains("ca.p12", "ca.password", "user.p12", "user.password", "password");
        String caPassword = Files.readString(s.resolve("ca.password"), StandardCharsets.UTF_8);
        String userPassword = Files.readString(s.resolve("user.password"), StandardCharsets.UTF_8);
        String scramPassword = Files.readString(s.resolve("password"), StandardCharsets.UTF_8);
        assertThat(scramPassword).isEqualTo(security.scram().password());

        // user.p12: its key opens with the store's password, as Strimzi's does.
        KeyStore user = load(s.resolve("user.p12"), userPassword);
        String alias = user.aliases().nextElement();
        assertThat(user.getKey(alias, userPassword.toCharArray())).isNotNull();
        assertThat(((X509Certificate) user.getCertificate(alias)).getSubjectX500Principal().getName())
                .isEqualTo(KafkaTls.CLIENT_DN.replace(" ", ""));

        KafkaTls.Store ca = new KafkaTls.Store(s.resolve("ca.p12"), caPassword, "PKCS12");
        Map<String, Object> mtls = new HashMap<>(ca.asTruststore());
        mtls.putAll(new KafkaTls.Store(s.resolve("user.p12"), userPassword, "PKCS12").asKeystore());
        mtls.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        roundTrip(withBootstrap(mtls, Listener.SSL), "strimzi-mtls");

        Credentials scram = new Credentials(KafkaSecurity.SCRAM_USER, scramPassword);
        roundTrip(withBootstrap(KafkaSecurity.saslSslClient("SCRAM-SHA-512", scram, ca), Listener.SASL_SSL),
                "strimzi-scram");
    }

    @Test
    void brokerCertificateNamesTheLoopbackAndServesBothTlsRoles() throws Exception {
        KafkaTls.Store b = security.tls().brokerKeystore();
        KeyStore broker = load(b.location(), b.password());
        X509Certificate cert = (X509Certificate) broker.getCertificate(broker.aliases().nextElement());
        List<String> sans = cert.getSubjectAlternativeNames().stream().map(n -> n.get(0) + ":" + n.get(1)).toList();
        // 7 = iPAddress, 2 = dNSName (RFC 5280 GeneralName).
        assertThat(sans).contains("7:127.0.0.1", "2:localhost");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(broker.getCertificateChain(broker.aliases().nextElement())).hasSize(2);
    }

    @Test
    void mutualTlsWithoutAKeystoreIsRefused() throws Exception {
        Map<String, Object> c = withBootstrap(new HashMap<>(security.tls().truststore().asTruststore()), Listener.SSL);
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        long t0 = System.nanoTime();
        Throwable refusal = awaitRefusal(c, "mtls-no-keystore", SslAuthenticationException.class);
        log("without a keystore, refused after %d ms: %s", ms(t0), refusal);
    }

    @Test
    void wrongScramPasswordIsRefusedAndLoggedNowhere() throws Exception {
        String wrong = "wrong" + KafkaTls.randomPassword();
        Map<String, Object> c = withBootstrap(KafkaSecurity.saslSslClient("SCRAM-SHA-512",
                new Credentials(KafkaSecurity.SCRAM_USER, wrong), security.tls().truststore()), Listener.SASL_SSL);
        Logger kafkaLogger = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        Level before = kafkaLogger.getLevel();
        List<String> events;
        Throwable refusal;
        // DEBUG: every line the client could write about its log-in and its settings is looked at.
        kafkaLogger.setLevel(Level.DEBUG);
        long t0 = System.nanoTime();
        try (LogCapture capture = LogCapture.start()) {
            refusal = awaitRefusal(c, "wrong-password", SaslAuthenticationException.class);
            events = capture.events();
        } finally {
            kafkaLogger.setLevel(before);
        }
        log("wrong SCRAM password, refused after %d ms: %s; %d log events captured", ms(t0), refusal, events.size());
        assertThat(events).as("captured log events").isNotEmpty()
                .anyMatch(e -> e.contains("SaslAuthenticationException") || e.contains("failed authentication"));
        List<String> secrets = List.of(wrong, security.scram().password(), security.plain().password(),
                security.tls().truststore().password(), security.tls().clientKeystore().password());
        for (String secret : secrets) {
            assertThat(events).as("log events holding a password").noneMatch(e -> e.contains(secret));
        }
        String nodeLog = Files.readString(kafka.log(1), StandardCharsets.UTF_8);
        assertThat(nodeLog).as("the node's log").contains("Kafka Server started");
        for (String secret : secrets) {
            assertThat(nodeLog).as("the node's log holding a password").doesNotContain(secret);
        }
    }

    /** Admin works over each secured listener: create over SCRAM, see it over mutual TLS. */
    @Test
    void adminCreatesAndListsTopicsOverSecuredListeners() throws Exception {
        String topic = "admin-" + UUID.randomUUID();
        createTopic(topic);
        try (Admin admin = Admin.create(kafka.clientConfig(Listener.SSL))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(names).contains(topic);
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1)
                    .allMatch(n -> n.port() == Integer.parseInt(kafka.bootstrapServers(Listener.SSL).split(":")[1]));
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Map<String, Object> withBootstrap(Map<String, Object> config, Listener listener) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(listener));
        return c;
    }

    /** A topic of one partition, created by an admin client over SASL_SSL as the SCRAM user. */
    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig(Listener.SASL_SSL))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Writes one record with {@code acks=all} and reads it back, both with {@code config}. */
    private static void roundTrip(Map<String, Object> config, String name) throws Exception {
        long t0 = System.nanoTime();
        String topic = name + "-" + UUID.randomUUID();
        createTopic(topic);
        String value = "value-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(config, 30_000))) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(ROUND_TRIP.toMillis(), TimeUnit.MILLISECONDS);
        }
        Map<String, Object> c = new HashMap<>(config);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            await("read back " + name).atMost(ROUND_TRIP).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                            read.add(r.value());
                        }
                        return !read.isEmpty();
                    });
        }
        assertThat(read).containsExactly(value);
        log("%s: produced and read back in %d ms", name, ms(t0));
    }

    /**
     * Sends until the client reports {@code expected} somewhere in an exception's causes. Between
     * failed log-ins a producer mostly reports metadata time-outs, and each retry is a new TLS
     * handshake: hence a short {@code max.block.ms} and a bounded loop. Nothing may be acknowledged.
     */
    private static Throwable awaitRefusal(Map<String, Object> config, String name, Class<? extends Throwable> expected)
            throws Exception {
        String topic = name + "-" + UUID.randomUUID();
        createTopic(topic);
        AtomicReference<Throwable> refusal = new AtomicReference<>();
        List<String> others = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(config, 2_000))) {
            await(name + " refused with " + expected.getSimpleName() + " (other errors: " + others + ")")
                    .atMost(REFUSAL).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        try {
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get(10, TimeUnit.SECONDS);
                            throw new AssertionError(name + ": a record was acknowledged");
                        } catch (AssertionError e) {
                            throw e;
                        } catch (Throwable e) {
                            for (Throwable t = e; t != null; t = t.getCause()) {
                                if (expected.isInstance(t)) {
                                    refusal.set(t);
                                    return true;
                                }
                            }
                            others.add(e.getClass().getSimpleName());
                            return false;
                        }
                    });
        }
        return refusal.get();
    }

    private static Map<String, Object> producerConfig(Map<String, Object> config, int maxBlockMs) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        return c;
    }

    private static KeyStore load(Path path, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("[SecureKafkaIT] " + String.format(format, args));
    }

}
