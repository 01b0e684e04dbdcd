package live.webhook.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SettingsCheck on its own: the settings it is given (as camel-main resolves them) pass, or end the
 * start with one message naming each bad setting by its environment variable and property.
 */
class SettingsCheckTest {

    @TempDir
    Path dir;

    Thread.UncaughtExceptionHandler previousHandler;
    CamelContext context;

    @BeforeEach
    void keepHandler() {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    }

    @AfterEach
    void restoreHandler() throws Exception {
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        if (context != null) {
            context.close();
        }
    }

    /** The settings of application.properties for the log sink, with the given ones on top; null removes one. */
    CamelContext settings(String... keyValues) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.ofEntries(
                Map.entry("tencent.sdkappid", "1400000001"),
                Map.entry("tencent.commands", "Live.CallbackAfterSetMetadata,Live.CallbackAfterDelMetadata"),
                Map.entry("tencent.sign.max.skew.seconds", "60"),
                Map.entry("webhook.path", "/callback"),
                Map.entry("camel.server.enabled", "true"),
                Map.entry("http.port", "8080"),
                Map.entry("management.port", "9876"),
                Map.entry("http.idle.timeout.seconds", "5"),
                Map.entry("max.body.bytes", "65536"),
                Map.entry("camel.server.max-body-size", "1048576"),
                Map.entry("cloudevents.enabled", "true"),
                Map.entry("tls.enabled", "false"),
                Map.entry("sink", "log")));
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                settings.remove(keyValues[i]);
            } else {
                settings.put(keyValues[i], keyValues[i + 1]);
            }
        }
        Properties initial = new Properties();
        initial.putAll(settings);
        if (context != null) {
            context.close();
        }
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(initial);
        return context;
    }

    /** The message of the failure that ends the start. */
    String refusal(CamelContext context) {
        Throwable thrown = null;
        try {
            new SettingsCheck().canContinue(context);
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).as("the start refused").isExactlyInstanceOf(IllegalArgumentException.class);
        return thrown.getMessage();
    }

    @Test
    void onCamelKWhereQuarkusServesHttpCamelMainsServerSettingsAreNotChecked() throws Exception {
        // Camel K's ConfigMap has none of camel-main's server settings (camel.server.*, http.port, ...).
        assertThat(new SettingsCheck().canContinue(settings("camel.server.enabled", null, "http.port", null,
                "management.port", null, "http.idle.timeout.seconds", null, "camel.server.max-body-size", null,
                "tls.enabled", "true", "tls.keystore", "file:/nowhere.p12"))).isTrue();
        // The route settings are checked there as anywhere.
        assertThat(refusal(settings("camel.server.enabled", null, "http.port", null, "sink", "bogus")))
                .isEqualTo("Not started: SINK (sink) must be log, file or kafka, not 'bogus'");
    }

    @Test
    void goodSettingsPassAndLeaveTheUncaughtExceptionHandlerAlone() throws Exception {
        assertThat(new SettingsCheck().canContinue(settings())).isTrue();
        assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(previousHandler);
        assertThat(new SettingsCheck().getName()).isEqualTo("settings");
    }

    @Test
    void goodSettingsForEverySinkAndTlsPass() throws Exception {
        Path keystore = keystore("changeit");
        assertThat(new SettingsCheck().canContinue(settings("sink", "file", "sink.file.dir", dir.resolve("out").toString(),
                "tls.enabled", "TRUE", "tls.keystore", "file:" + keystore, "tls.keystore.password", "changeit",
                "tencent.sdkappid", "1400000001, 1400000002", "cloudevents.enabled", "False"))).isTrue();
        assertThat(dir.resolve("out")).as("created, as the sink would").isDirectory();
        try (Stream<Path> left = Files.list(dir.resolve("out"))) {
            assertThat(left).as("the written file is deleted").isEmpty();
        }
        assertThat(new SettingsCheck().canContinue(kafka())).isTrue();
    }

    static Stream<Arguments> badSettings() {
        String seventy = "x".repeat(70);
        return Stream.of(
                Arguments.of("tencent.sdkappid", null,
                        "TENCENT_SDKAPPID (tencent.sdkappid) is required: the SdkAppid values webhooks are accepted for, comma-separated digits (for example 1400000001)"),
                Arguments.of("tencent.sdkappid", " ",
                        "TENCENT_SDKAPPID (tencent.sdkappid) is required: the SdkAppid values webhooks are accepted for, comma-separated digits (for example 1400000001)"),
                Arguments.of("tencent.sdkappid", "1400000001, 14000O0002",
                        "TENCENT_SDKAPPID (tencent.sdkappid) must be SdkAppid values, comma-separated digits (for example 1400000001,1400000002), not '1400000001, 14000O0002'"),
                Arguments.of("tencent.sdkappid", "1400000001,",
                        "TENCENT_SDKAPPID (tencent.sdkappid) must be SdkAppid values, comma-separated digits (for example 1400000001,1400000002), not '1400000001,'"),
                Arguments.of("tencent.commands", " , ",
                        "TENCENT_COMMANDS (tencent.commands) must name at least one CallbackCommand, comma-separated (for example Live.CallbackAfterSetMetadata)"),
                Arguments.of("tencent.commands", null,
                        "TENCENT_COMMANDS (tencent.commands) must name at least one CallbackCommand, comma-separated (for example Live.CallbackAfterSetMetadata)"),
                Arguments.of("tencent.sign.max.skew.seconds", "0",
                        "TENCENT_SIGN_MAX_SKEW_SECONDS (tencent.sign.max.skew.seconds) must be a whole number from 1 to 2147483647 (seconds), not '0'"),
                Arguments.of("webhook.path", "callback",
                        "WEBHOOK_PATH (webhook.path) must be a path starting with /, not 'callback'"),
                Arguments.of("http.port", "70000",
                        "HTTP_PORT (http.port) must be a whole number from 1 to 65535 (a TCP port), not '70000'"),
                Arguments.of("management.port", null,
                        "MANAGEMENT_PORT (management.port) must be a whole number from 1 to 65535 (a TCP port), not nothing"),
                Arguments.of("http.idle.timeout.seconds", "1.5",
                        "HTTP_IDLE_TIMEOUT_SECONDS (http.idle.timeout.seconds) must be a whole number from 1 to 2147483647 (seconds), not '1.5'"),
                Arguments.of("max.body.bytes", "-1",
                        "MAX_BODY_BYTES (max.body.bytes) must be a whole number from 1 to 2147483647 (bytes), not '-1'"),
                Arguments.of("max.body.bytes", "2147483648",
                        "MAX_BODY_BYTES (max.body.bytes) must be a whole number from 1 to 2147483647 (bytes), not '2147483648'"),
                Arguments.of("camel.server.max-body-size", "99999999999999999999",
                        "CAMEL_SERVER_MAX_BODY_SIZE (camel.server.max-body-size) must be a whole number from 1 to 9223372036854775807 (bytes), not '99999999999999999999'"),
                Arguments.of("cloudevents.enabled", "yes",
                        "CLOUDEVENTS_ENABLED (cloudevents.enabled) must be true or false, not 'yes'"),
                Arguments.of("tls.enabled", "on",
                        "TLS_ENABLED (tls.enabled) must be true or false, not 'on'"),
                Arguments.of("sink", "bogus",
                        "SINK (sink) must be log, file or kafka, not 'bogus'"),
                Arguments.of("sink", seventy,
                        "SINK (sink) must be log, file or kafka, not '" + "x".repeat(60) + "...'"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badSettings")
    void aBadSettingIsNamedByItsVariableAndProperty(String key, String value, String problem) throws Exception {
        assertThat(refusal(settings(key, value))).isEqualTo("Not started: " + problem);
    }

    @Test
    void severalBadSettingsAreJoinedInTheOrderTheyAreChecked() throws Exception {
        assertThat(refusal(settings("sink", "bogus", "tencent.sdkappid", null, "http.port", "abc", "management.port", "0",
                "cloudevents.enabled", "yes"))).isEqualTo("Not started: "
                        + "TENCENT_SDKAPPID (tencent.sdkappid) is required: the SdkAppid values webhooks are accepted for, comma-separated digits (for example 1400000001); "
                        + "HTTP_PORT (http.port) must be a whole number from 1 to 65535 (a TCP port), not 'abc'; "
                        + "MANAGEMENT_PORT (management.port) must be a whole number from 1 to 65535 (a TCP port), not '0'; "
                        + "CLOUDEVENTS_ENABLED (cloudevents.enabled) must be true or false, not 'yes'; "
                        + "SINK (sink) must be log, file or kafka, not 'bogus'");
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNamedWithWhy() throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        String out = file.resolve("out").toString();
        assertThat(out.length()).as("short enough to be shown whole").isLessThanOrEqualTo(60);

        assertThat(refusal(settings("sink", "file", "sink.file.dir", out)))
                .startsWith("Not started: SINK_FILE_DIR (sink.file.dir) must be a directory this service can write: '" + out + "' is not (")
                .endsWith(")")
                .doesNotContain("; ");
        assertThat(refusal(settings("sink", "file", "sink.file.dir", null)))
                .isEqualTo("Not started: SINK_FILE_DIR (sink.file.dir) must name a directory, not nothing");
    }

    @Test
    void kafkaSettingsAreCheckedOnlyForTheKafkaSink() throws Exception {
        assertThat(refusal(settings("sink", "kafka")))
                .isEqualTo("Not started: "
                        + "KAFKA_BROKERS (kafka.brokers) must name the Kafka bootstrap servers (host:port, comma-separated); "
                        + "KAFKA_TOPIC (kafka.topic) must name a topic; "
                        + "KAFKA_MAX_BLOCK_MS (kafka.max.block.ms) must be a whole number from 0 to 2147483647 (milliseconds), not nothing; "
                        + "KAFKA_REQUEST_TIMEOUT_MS (kafka.request.timeout.ms) must be a whole number from 0 to 2147483647 (milliseconds), not nothing; "
                        + "KAFKA_LINGER_MS (kafka.linger.ms) must be a whole number from 0 to 2147483647 (milliseconds), not nothing; "
                        + "KAFKA_DELIVERY_TIMEOUT_MS (kafka.delivery.timeout.ms) must be a whole number from 0 to 2147483647 (milliseconds), not nothing; "
                        + "SPOOL_DRAIN_DELAY_MS (spool.drain.delay.ms) must be a whole number from 1 to 2147483647 (milliseconds), not nothing; "
                        + "SPOOL_DIR (spool.dir) must name a directory, not nothing; "
                        + "KAFKA_SECURITY_PROTOCOL (kafka.security.protocol) must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not nothing");
        assertThat(refusal(kafka("kafka.linger.ms", "5", "kafka.delivery.timeout.ms", "1000")))
                .isEqualTo("Not started: KAFKA_DELIVERY_TIMEOUT_MS (kafka.delivery.timeout.ms) must be at least "
                        + "kafka.linger.ms + kafka.request.timeout.ms (1005), Kafka's own rule, not 1000");
    }

    @Test
    void kafkaSecurityNamesAProtocolAndForSaslAMechanismAUserAndAPassword() throws Exception {
        assertThat(new SettingsCheck().canContinue(kafka("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.username", "webhook", "kafka.sasl.password", "s3cret"))).isTrue();
        assertThat(refusal(kafka("kafka.security.protocol", "TLS")))
                .isEqualTo("Not started: KAFKA_SECURITY_PROTOCOL (kafka.security.protocol) must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not 'TLS'");
        assertThat(refusal(kafka("kafka.security.protocol", "SASL_SSL")))
                .isEqualTo("Not started: KAFKA_SASL_MECHANISM (kafka.sasl.mechanism) must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 "
                        + "with KAFKA_SECURITY_PROTOCOL SASL_SSL, not ''; "
                        + "KAFKA_SASL_USERNAME (kafka.sasl.username) is required with KAFKA_SECURITY_PROTOCOL SASL_SSL; "
                        + "KAFKA_SASL_PASSWORD (kafka.sasl.password) is required with KAFKA_SECURITY_PROTOCOL SASL_SSL");
        assertThat(refusal(kafka("kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "GSSAPI",
                "kafka.sasl.username", "u", "kafka.sasl.password", "p")))
                .isEqualTo("Not started: KAFKA_SASL_MECHANISM (kafka.sasl.mechanism) must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 "
                        + "with KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT, not 'GSSAPI'");
        // Without SASL, its settings are not looked at.
        assertThat(new SettingsCheck().canContinue(kafka("kafka.sasl.mechanism", "bogus"))).isTrue();
    }

    @Test
    void kafkaStoresExistAndOpenWithTheirPasswordsWhichNoRefusalShows() throws Exception {
        Path store = keytoolStore("store-pw-" + System.nanoTime());
        String password = Files.readString(store.resolveSibling(store.getFileName() + ".password"));
        assertThat(new SettingsCheck().canContinue(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.location", store.toString(),
                "kafka.ssl.truststore.password", password, "kafka.ssl.keystore.location", store.toString(),
                "kafka.ssl.keystore.password", password))).isTrue();

        String missing = dir.resolve("missing.p12").toString();
        assertThat(refusal(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.location", missing)))
                .isEqualTo("Not started: KAFKA_SSL_TRUSTSTORE_LOCATION (kafka.ssl.truststore.location) must be a readable file, not '" + missing + "'");
        String wrong = "not-the-" + password;
        String refused = refusal(kafka("kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN", "kafka.sasl.username", "u",
                "kafka.sasl.password", "p", "kafka.ssl.keystore.location", store.toString(), "kafka.ssl.keystore.password", wrong));
        assertThat(refused).startsWith("Not started: KAFKA_SSL_KEYSTORE_LOCATION (kafka.ssl.keystore.location) must be a PKCS12 keystore that "
                + "KAFKA_SSL_KEYSTORE_PASSWORD (kafka.ssl.keystore.password) opens: '" + store + "' does not (");
        assertThat(refused).doesNotContain(wrong).doesNotContain(password);

        // PEM: certificates, and no password (Kafka refuses one).
        Path pem = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThat(new SettingsCheck().canContinue(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.location", pem.toString(),
                "kafka.ssl.truststore.type", "PEM"))).isTrue();
        assertThat(refusal(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.location", pem.toString(),
                "kafka.ssl.truststore.type", "PEM", "kafka.ssl.truststore.password", "x")))
                .isEqualTo("Not started: KAFKA_SSL_TRUSTSTORE_PASSWORD (kafka.ssl.truststore.password) must be empty for a PEM truststore "
                        + "(Kafka refuses one; a PEM key must not be encrypted)");
        assertThat(refusal(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.location", store.toString(),
                "kafka.ssl.truststore.type", "PEM")))
                .isEqualTo("Not started: KAFKA_SSL_TRUSTSTORE_LOCATION (kafka.ssl.truststore.location) must be PEM certificates: '" + store + "' is not");
        assertThat(refusal(kafka("kafka.security.protocol", "SSL", "kafka.ssl.truststore.type", "JKS")))
                .isEqualTo("Not started: KAFKA_SSL_TRUSTSTORE_TYPE (kafka.ssl.truststore.type) must be PKCS12 or PEM, not 'JKS'");
        // Stores are only read for a TLS protocol.
        assertThat(new SettingsCheck().canContinue(kafka("kafka.ssl.truststore.location", missing))).isTrue();
    }

    /** A PKCS12 store with one key and its certificate, made by the JDK's keytool; its password beside it. */
    Path keytoolStore(String password) throws Exception {
        Path file = dir.resolve("client.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=client", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        Files.writeString(file.resolveSibling(file.getFileName() + ".password"), password);
        return file;
    }

    @Test
    void tlsNeedsAKeystoreThatItsPasswordOpens() throws Exception {
        Path keystore = keystore("changeit");
        String missing = "file:" + dir.resolve("missing.p12");
        assertThat(refusal(settings("tls.enabled", "true", "tls.keystore", missing)))
                .startsWith("Not started: TLS_KEYSTORE (tls.keystore) must be a readable PKCS12 keystore when TLS_ENABLED (tls.enabled) is true: '"
                        + missing + "' cannot be read (");
        assertThat(refusal(settings("tls.enabled", "true", "tls.keystore", "file:" + keystore, "tls.keystore.password", "wrong")))
                .startsWith("Not started: TLS_KEYSTORE (tls.keystore) must be a PKCS12 keystore that TLS_KEYSTORE_PASSWORD (tls.keystore.password) opens: '"
                        + "file:" + keystore + "' does not (");
        // Not checked at all when TLS is off.
        assertThat(new SettingsCheck().canContinue(settings("tls.enabled", "false", "tls.keystore", missing))).isTrue();
    }

    @Test
    void aRefusalEndsInOneErrorLineInsteadOfAStackTrace() throws Exception {
        String message = refusal(settings("sink", "bogus"));
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        assertThat(handler).as("set by the refusal").isNotNull().isNotSameAs(previousHandler);

        IllegalArgumentException failure;
        try {
            new SettingsCheck().canContinue(context);
            throw new AssertionError("not refused");
        } catch (IllegalArgumentException e) {
            failure = e;
        }
        try (CapturedLog log = new CapturedLog()) {
            // camel-main wraps it; the failure is found in the chain.
            Thread.getDefaultUncaughtExceptionHandler().uncaughtException(Thread.currentThread(),
                    new IllegalStateException("wrapped", failure));
            RuntimeException other = new RuntimeException("something else");
            Thread.getDefaultUncaughtExceptionHandler().uncaughtException(new Thread("worker-1"), other);

            assertThat(log.lines()).containsExactly("ERROR " + message, "ERROR Exception in thread \"worker-1\"");
            assertThat(log.events().get(0).getThrowableProxy()).as("no stack trace").isNull();
            assertThat(log.events().get(1).getLevel()).isEqualTo(Level.ERROR);
            assertThat(log.events().get(1).getThrowableProxy().getMessage()).isEqualTo("something else");
        }
    }

    CamelContext kafka(String... keyValues) throws Exception {
        String[] base = {"sink", "kafka", "kafka.brokers", "localhost:9092", "kafka.topic", "t", "kafka.max.block.ms", "500",
                "kafka.request.timeout.ms", "1000", "kafka.linger.ms", "0", "kafka.delivery.timeout.ms", "1200",
                "spool.drain.delay.ms", "500", "spool.dir", dir.resolve("spool").toString(), "kafka.security.protocol", "PLAINTEXT",
                "kafka.sasl.mechanism", "", "kafka.sasl.username", "", "kafka.sasl.password", "",
                "kafka.ssl.truststore.location", "", "kafka.ssl.truststore.password", "", "kafka.ssl.truststore.type", "PKCS12",
                "kafka.ssl.keystore.location", "", "kafka.ssl.keystore.password", "", "kafka.ssl.keystore.type", "PKCS12"};
        String[] all = new String[base.length + keyValues.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(keyValues, 0, all, base.length, keyValues.length);
        return settings(all);
    }

    Path keystore(String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Path file = dir.resolve("keystore.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
