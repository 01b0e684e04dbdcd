package live.webhook.startup;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.StartupCondition;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting, checked once before Camel configures anything that listens or writes
 * ({@code camel.startupcondition.enabled=true} runs every StartupCondition bean there). A bad
 * setting ends the start with one ERROR line naming each bad setting, exit code 1 (on Camel K's
 * runtime, Camel Quarkus: Quarkus fails the start, exit code 1, with the same text in its error).
 * The settings of camel-main's own HTTP servers are checked only where they serve
 * ({@code camel.server.enabled}), not on Camel K, where Quarkus does.
 * <p>
 * The check reads the settings itself, through the CamelContext it is given: no setting's value is
 * ever interpreted as anything but a value. It keeps no state, so the two instances camel-main
 * makes of a YAML bean (a pre-parse, then the load) are interchangeable, and nothing guards
 * against the second.
 */
public class SettingsCheck implements StartupCondition {

    private static final Pattern WHOLE = Pattern.compile("\\d{1,19}");
    private static final Pattern BOOLEAN = Pattern.compile("(?i)true|false");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final List<String> STORE_TYPES = List.of("PKCS12", "PEM");

    @Override
    public String getName() {
        return "settings";
    }

    @Override
    public boolean canContinue(CamelContext camelContext) {
        Check check = new Check(camelContext);
        check.run();
        if (check.problems.isEmpty()) {
            return true;
        }
        String line = "Not started: " + String.join("; ", check.problems);
        IllegalArgumentException failure = new IllegalArgumentException(line);
        // The exception ends camel-main's main(); say why in one log line instead of the JVM's
        // stack trace. Set only now, so that any other thread keeps its own.
        Logger log = LoggerFactory.getLogger("tencent.live.webhook");
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            Throwable cause = e;
            while (cause != null && cause != failure) {
                cause = cause.getCause();
            }
            if (cause != null) {
                log.error(line);
            } else {
                log.error("Exception in thread \"" + thread.getName() + "\"", e);
            }
        });
        throw failure;
    }

    /** One run of the check: the problems found, in the order the settings are checked. */
    private static final class Check {
        final CamelContext camelContext;
        final List<String> problems = new ArrayList<>();

        Check(CamelContext camelContext) {
            this.camelContext = camelContext;
        }

        void run() {
            String ids = value("tencent.sdkappid");
            if (ids == null || ids.isBlank()) {
                problem("tencent.sdkappid", "is required: the SdkAppid values webhooks are accepted for, comma-separated digits (for example 1400000001)");
            } else if (!Arrays.stream(ids.split(",", -1)).allMatch(id -> DIGITS.matcher(id.trim()).matches())) {
                problem("tencent.sdkappid", "must be SdkAppid values, comma-separated digits (for example 1400000001,1400000002), not " + shown(ids));
            }
            String commands = value("tencent.commands");
            if (commands == null || Arrays.stream(commands.split(",")).allMatch(String::isBlank)) {
                problem("tencent.commands", "must name at least one CallbackCommand, comma-separated (for example Live.CallbackAfterSetMetadata)");
            }
            whole("tencent.sign.max.skew.seconds", 1, Integer.MAX_VALUE, "seconds");
            String path = value("webhook.path");
            if (path == null || !path.startsWith("/")) {
                problem("webhook.path", "must be a path starting with /, not " + shown(path));
            }
            // camel-main's own HTTP servers (camel.server.enabled): their ports, idle timeout, transport
            // cap and TLS. On Camel K's runtime Quarkus serves HTTP and these settings do not exist.
            boolean camelMainServers = "true".equalsIgnoreCase(value("camel.server.enabled"));
            if (camelMainServers) {
                whole("http.port", 1, 65535, "a TCP port");
                whole("management.port", 1, 65535, "a TCP port");
                whole("http.idle.timeout.seconds", 1, Integer.MAX_VALUE, "seconds");
            }
            whole("max.body.bytes", 1, Integer.MAX_VALUE, "bytes");
            if (camelMainServers) {
                whole("camel.server.max-body-size", 1, Long.MAX_VALUE, "bytes");
            }
            bool("cloudevents.enabled");

            if (camelMainServers && Boolean.TRUE.equals(bool("tls.enabled"))) {
                keystore();
            }

            String sink = value("sink");
            if ("file".equals(sink)) {
                writableDirectory("sink.file.dir", "a directory");
            } else if ("kafka".equals(sink)) {
                kafka();
            } else if (!"log".equals(sink)) {
                problem("sink", "must be log, file or kafka, not " + shown(sink));
            }
        }

        void keystore() {
            String keystore = value("tls.keystore");
            try {
                InputStream stream = ResourceHelper.resolveMandatoryResourceAsInputStream(camelContext, keystore);
                try {
                    String password = value("tls.keystore.password");
                    KeyStore.getInstance("PKCS12").load(stream, password == null ? null : password.toCharArray());
                } catch (Exception e) {
                    problem("tls.keystore", "must be a PKCS12 keystore that TLS_KEYSTORE_PASSWORD (tls.keystore.password) opens: "
                            + shown(keystore) + " does not (" + e.getMessage() + ")");
                } finally {
                    stream.close();
                }
            } catch (Exception e) {
                problem("tls.keystore", "must be a readable PKCS12 keystore when TLS_ENABLED (tls.enabled) is true: "
                        + shown(keystore) + " cannot be read (" + e.getMessage() + ")");
            }
        }

        void kafka() {
            String brokers = value("kafka.brokers");
            if (brokers == null || brokers.isBlank()) {
                problem("kafka.brokers", "must name the Kafka bootstrap servers (host:port, comma-separated)");
            }
            String topic = value("kafka.topic");
            if (topic == null || topic.isBlank()) {
                problem("kafka.topic", "must name a topic");
            }
            whole("kafka.max.block.ms", 0, Integer.MAX_VALUE, "milliseconds");
            Long request = whole("kafka.request.timeout.ms", 0, Integer.MAX_VALUE, "milliseconds");
            Long linger = whole("kafka.linger.ms", 0, Integer.MAX_VALUE, "milliseconds");
            Long delivery = whole("kafka.delivery.timeout.ms", 0, Integer.MAX_VALUE, "milliseconds");
            if (request != null && linger != null && delivery != null && delivery < request + linger) {
                problem("kafka.delivery.timeout.ms", "must be at least kafka.linger.ms + kafka.request.timeout.ms ("
                        + (linger + request) + "), Kafka's own rule, not " + delivery);
            }
            whole("spool.drain.delay.ms", 1, Integer.MAX_VALUE, "milliseconds");
            writableDirectory("spool.dir", "a directory");
            kafkaSecurity();
        }

        /**
         * TLS and SASL, as Kafka's producer would read them at its first connection, where a mistake
         * would only show as records that never go out: the protocol and mechanism names, a user name
         * and password for SASL, and each store opened with its password. A password is never shown.
         */
        void kafkaSecurity() {
            String protocol = value("kafka.security.protocol");
            if (protocol == null || !SECURITY_PROTOCOLS.contains(protocol)) {
                problem("kafka.security.protocol", "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not " + shown(protocol));
                return;
            }
            if (protocol.startsWith("SASL_")) {
                String mechanism = value("kafka.sasl.mechanism");
                if (mechanism == null || !SASL_MECHANISMS.contains(mechanism)) {
                    problem("kafka.sasl.mechanism", "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with KAFKA_SECURITY_PROTOCOL "
                            + protocol + ", not " + shown(mechanism));
                }
                if (blank(value("kafka.sasl.username"))) {
                    problem("kafka.sasl.username", "is required with KAFKA_SECURITY_PROTOCOL " + protocol);
                }
                if (blank(value("kafka.sasl.password"))) {
                    problem("kafka.sasl.password", "is required with KAFKA_SECURITY_PROTOCOL " + protocol);
                }
            }
            if (protocol.endsWith("SSL")) {
                store("truststore", false);
                store("keystore", true);
            }
        }

        /** A truststore or keystore, when one is named: it exists and opens with its password. */
        void store(String which, boolean key) {
            String prefix = "kafka.ssl." + which;
            String location = value(prefix + ".location");
            String type = value(prefix + ".type");
            String password = value(prefix + ".password");
            if (type == null || !STORE_TYPES.contains(type)) {
                problem(prefix + ".type", "must be PKCS12 or PEM, not " + shown(type));
                return;
            }
            if (blank(location)) {
                return;
            }
            Path file = Paths.get(location);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problem(prefix + ".location", "must be a readable file, not " + shown(location));
                return;
            }
            if ("PEM".equals(type)) {
                if (!blank(password)) {
                    problem(prefix + ".password", "must be empty for a PEM " + which + " (Kafka refuses one; a PEM key must not be encrypted)");
                }
                try {
                    String pem = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (!pem.contains("-----BEGIN CERTIFICATE-----") || (key && !pem.contains("PRIVATE KEY-----"))) {
                        problem(prefix + ".location", "must be PEM " + (key ? "holding a private key and its certificate" : "certificates")
                                + ": " + shown(location) + " is not");
                    }
                } catch (Exception e) {
                    problem(prefix + ".location", "cannot be read: " + shown(location) + " (" + e.getClass().getSimpleName() + ")");
                }
                return;
            }
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password == null ? new char[0] : password.toCharArray());
                if (store.size() == 0) {
                    problem(prefix + ".location", "holds no " + (key ? "key" : "certificate") + ": " + shown(location));
                }
            } catch (Exception e) {
                // The cause is the JDK's ("keystore password was incorrect", "... tag mismatch"), never the password.
                problem(prefix + ".location", "must be a PKCS12 " + which + " that " + envName(prefix + ".password") + " ("
                        + prefix + ".password) opens: " + shown(location) + " does not (" + e.getMessage() + ")");
            }
        }

        static boolean blank(String v) {
            return v == null || v.isBlank();
        }

        /**
         * The value as the routes see it (environment variable, -D, application.properties), or
         * null when it is not set.
         */
        String value(String key) {
            try {
                return camelContext.resolvePropertyPlaceholders("{{" + key + "}}");
            } catch (Exception notSet) {
                return null;
            }
        }

        /** Named as an operator sets it: the environment variable, then the property. */
        void problem(String key, String what) {
            problems.add(envName(key) + " (" + key + ") " + what);
        }

        static String envName(String key) {
            return key.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
        }

        static String shown(String v) {
            return v == null ? "nothing" : "'" + (v.length() > 60 ? v.substring(0, 60) + "..." : v) + "'";
        }

        Long whole(String key, long min, long max, String what) {
            String v = value(key);
            if (v != null && WHOLE.matcher(v).matches()) {
                BigInteger n = new BigInteger(v);
                if (n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0) {
                    return n.longValue();
                }
            }
            problem(key, "must be a whole number from " + min + " to " + max + " (" + what + "), not " + shown(v));
            return null;
        }

        Boolean bool(String key) {
            String v = value(key);
            if (v != null && BOOLEAN.matcher(v).matches()) {
                return v.equalsIgnoreCase("true");
            }
            problem(key, "must be true or false, not " + shown(v));
            return null;
        }

        /**
         * Created when missing, as the sinks do, then written to: only a write shows that this
         * process may write there (file permissions do not bind root).
         */
        void writableDirectory(String key, String what) {
            String v = value(key);
            if (v == null || v.isBlank()) {
                problem(key, "must name " + what + ", not " + shown(v));
                return;
            }
            try {
                Path dir = Paths.get(v);
                Files.createDirectories(dir);
                Files.delete(Files.createTempFile(dir, ".writable-", ".check"));
            } catch (Exception e) {
                problem(key, "must be " + what + " this service can write: " + shown(v) + " is not ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
    }
}
