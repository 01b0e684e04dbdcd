package live.webhook.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import live.webhook.bench.KafkaTls.Store;

/**
 * What a secured test Kafka needs besides its listeners: the {@link KafkaTls} stores, two SASL users
 * with random passwords, and the same secrets laid out as Strimzi's Secrets are, for Kubernetes-form
 * tests to mount.
 *
 * <h2>Users</h2>
 * One user per mechanism, so that a test cannot pass with the wrong mechanism's password:
 * <ul>
 *   <li>{@link #scram()}, {@value #SCRAM_USER}: SCRAM credentials for both SCRAM-SHA-512 and
 *       SCRAM-SHA-256, one password;</li>
 *   <li>{@link #plain()}, {@value #PLAIN_USER}: SASL/PLAIN;</li>
 *   <li>the mutual-TLS client is the certificate {@link KafkaTls#CLIENT_DN}, no password.</li>
 * </ul>
 *
 * <h2>Strimzi's layout</h2>
 * {@link #strimziDir()} holds, one file per Secret key, without trailing newlines:
 * {@code ca.p12} and {@code ca.password} (the cluster CA Secret), {@code ca.crt},
 * {@code user.p12} and {@code user.password} (a TLS KafkaUser's Secret), and {@code password} (a
 * SCRAM-SHA-512 KafkaUser's Secret, the password of {@link #scram()}).
 */
public final class KafkaSecurity {

    public static final String SCRAM_USER = "webhook-scram";
    public static final String PLAIN_USER = "webhook-plain";
    /** The SCRAM mechanisms {@link #scram()} has credentials for, strongest first. */
    public static final List<String> SCRAM_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256");
    /** RFC 5802's Hi() work factor; Kafka refuses fewer than 4096. */
    private static final int SCRAM_ITERATIONS = 4096;

    /** A user name and password; {@link #toString()} leaves the password out. */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return username + " (password set)";
        }
    }

    private final KafkaTls tls;
    private final Credentials scram;
    private final Credentials plain;
    private final Path strimziDir;
    private List<String> scramFormatArguments;

    private KafkaSecurity(KafkaTls tls, Credentials scram, Credentials plain, Path strimziDir) {
        this.tls = tls;
        this.scram = scram;
        this.plain = plain;
        this.strimziDir = strimziDir;
    }

    /** New stores in {@code dir}/tls, new users, and the Strimzi-shaped copy in {@code dir}/strimzi. */
    public static KafkaSecurity create(Path dir) {
        Path d = dir.toAbsolutePath();
        try {
            Files.createDirectories(d);
            KafkaTls tls = KafkaTls.create(d.resolve("tls"));
            Credentials scram = new Credentials(SCRAM_USER, KafkaTls.randomPassword());
            Credentials plain = new Credentials(PLAIN_USER, KafkaTls.randomPassword());
            Path strimzi = d.resolve("strimzi");
            Files.createDirectories(strimzi, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.copy(tls.truststore().location(), strimzi.resolve("ca.p12"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(tls.pemTruststore().location(), strimzi.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(tls.clientKeystore().location(), strimzi.resolve("user.p12"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(strimzi.resolve("ca.password"), tls.truststore().password(), StandardCharsets.UTF_8);
            Files.writeString(strimzi.resolve("user.password"), tls.clientKeystore().password(), StandardCharsets.UTF_8);
            Files.writeString(strimzi.resolve("password"), scram.password(), StandardCharsets.UTF_8);
            return new KafkaSecurity(tls, scram, plain, strimzi);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the security files under " + d, e);
        }
    }

    public KafkaTls tls() {
        return tls;
    }

    /** The SCRAM-SHA-512 (and SCRAM-SHA-256) user. */
    public Credentials scram() {
        return scram;
    }

    /** The SASL/PLAIN user. */
    public Credentials plain() {
        return plain;
    }

    /** {@code ca.p12, ca.password, ca.crt, user.p12, user.password, password}: see the class comment. */
    public Path strimziDir() {
        return strimziDir;
    }

    /**
     * Client settings (no {@code bootstrap.servers}) for SASL_SSL with {@code mechanism} as this
     * class's user for it, trusting the CA through the PKCS12 truststore.
     */
    public Map<String, Object> saslSslClient(String mechanism) {
        return saslSslClient(mechanism, mechanism.equals("PLAIN") ? plain : scram, tls.truststore());
    }

    /** Client settings (no {@code bootstrap.servers}) for SASL_SSL with any credentials and truststore. */
    public static Map<String, Object> saslSslClient(String mechanism, Credentials credentials, Store truststore) {
        Map<String, Object> c = new HashMap<>(truststore.asTruststore());
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        c.put(SaslConfigs.SASL_MECHANISM, mechanism);
        c.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, credentials));
        return c;
    }

    /** Client settings (no {@code bootstrap.servers}) for mutual TLS with the client keystore. */
    public Map<String, Object> mutualTlsClient() {
        Map<String, Object> c = new HashMap<>(tls.truststore().asTruststore());
        c.putAll(tls.clientKeystore().asKeystore());
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        return c;
    }

    /** A client's {@code sasl.jaas.config}. */
    public static String jaasConfig(String mechanism, Credentials credentials) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + credentials.username() + "\" password=\""
                + credentials.password() + "\";";
    }

    /**
     * The broker's SASL settings for the listener named {@code listener} (lower case in the keys, as
     * Kafka looks them up): every mechanism enabled, and the PLAIN users in the listener's JAAS entry
     * (PLAIN has no other store of users). SCRAM users live in the cluster metadata instead: see
     * {@link #scramFormatArguments()}.
     */
    Map<String, String> brokerSaslProperties(String listener) {
        String prefix = "listener.name." + listener.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> p = new HashMap<>();
        p.put(prefix + "sasl.enabled.mechanisms", String.join(",", SCRAM_MECHANISMS) + ",PLAIN");
        for (String m : SCRAM_MECHANISMS) {
            p.put(prefix + m.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        p.put(prefix + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                + plain.username() + "=\"" + plain.password() + "\";");
        return p;
    }

    /**
     * {@code StorageTool format} arguments that put the SCRAM user into the cluster metadata (KRaft has
     * no other place for it before the broker runs). Given salted, as the SCRAM server stores it, so
     * that the password is not on a command line that {@code ps} shows. The same salt for every
     * node of a cluster, whichever controller's bootstrap records are the ones applied.
     */
    synchronized List<String> scramFormatArguments() {
        if (scramFormatArguments == null) {
            scramFormatArguments = saltedScramArguments();
        }
        return scramFormatArguments;
    }

    private List<String> saltedScramArguments() {
        SecureRandom random = new SecureRandom();
        return SCRAM_MECHANISMS.stream().flatMap(m -> {
            byte[] salt = new byte[32];
            random.nextBytes(salt);
            byte[] salted = saltedPassword(m, scram.password(), salt);
            Base64.Encoder b64 = Base64.getEncoder();
            return java.util.stream.Stream.of("--add-scram", m + "=[name=" + scram.username() + ",iterations="
                    + SCRAM_ITERATIONS + ",salt=\"" + b64.encodeToString(salt) + "\",saltedpassword=\""
                    + b64.encodeToString(salted) + "\"]");
        }).toList();
    }

    /** RFC 5802's SaltedPassword = Hi(password, salt, i), which is PBKDF2 with the mechanism's HMAC. */
    private static byte[] saltedPassword(String mechanism, String password, byte[] salt) {
        String bits = mechanism.substring("SCRAM-SHA-".length());
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA" + bits);
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, SCRAM_ITERATIONS,
                    Integer.parseInt(bits))).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot salt a " + mechanism + " password", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaSecurity[" + tls.dir() + ", SCRAM user " + scram.username() + ", PLAIN user "
                + plain.username() + "]";
    }
}
