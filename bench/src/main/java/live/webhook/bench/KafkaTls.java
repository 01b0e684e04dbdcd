package live.webhook.bench;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.kafka.common.config.SslConfigs;

/**
 * The TLS material of a test Kafka: a CA, a broker certificate and a client certificate signed by
 * it, made by the running JDK's {@code keytool} into one directory, with random passwords.
 *
 * <pre>{@code
 * KafkaTls tls = KafkaTls.create(dir);
 * tls.truststore();     // ca.p12: PKCS12 holding the CA only, with a password
 * tls.pemTruststore();  // ca.crt: the CA as PEM (ssl.truststore.type=PEM takes no password)
 * tls.clientKeystore(); // user.p12: PKCS12, client key + chain, key password = store password
 * tls.brokerKeystore(); // broker.p12: PKCS12, broker key + chain
 * }</pre>
 *
 * <p>The broker certificate carries SAN {@code IP:127.0.0.1,DNS:localhost}, because clients verify
 * the host name by default, and both the serverAuth and the clientAuth extended key usages, because a
 * broker with a mutual-TLS listener presents it in both roles. The client certificate's subject is
 * {@link #CLIENT_DN}, the principal the broker sees on its mutual-TLS listener.
 *
 * <p>Why keytool and not openssl: a PKCS12 truststore written by openssl holds certificates without
 * Java's trusted-certificate attribute, and Java then trusts none of them. Why EC P-256 keys: key
 * generation costs next to nothing, and every JVM keytool starts is already half a second of CPU.
 * The CA's private key stays in {@code ca-key.p12}, which nothing else reads.
 */
public final class KafkaTls {

    /** The client certificate's subject: the principal of a mutual-TLS client on the broker. */
    public static final String CLIENT_DN = "CN=webhook-tls";
    private static final String BROKER_DN = "CN=localhost";
    private static final String CA_DN = "CN=webhook-test-ca";
    private static final String VALIDITY_DAYS = "30";
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);
    /** keytool is a short job: C1 only and no parallel GC start it in about half the CPU. */
    private static final List<String> KEYTOOL_JVM = List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC",
            "-J-Xmx64m");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A key or trust store: where it is, its password ({@code null} for PEM, which Kafka refuses
     * with a password) and its {@code ssl.*.type}. {@link #toString()} leaves the password out.
     */
    public record Store(Path location, String password, String type) {

        /** {@code ssl.truststore.*} for a Kafka client or broker. */
        public Map<String, Object> asTruststore() {
            Map<String, Object> c = new HashMap<>();
            c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, location.toString());
            c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, type);
            if (password != null) {
                c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
            }
            return c;
        }

        /** {@code ssl.keystore.*} and {@code ssl.key.password} (the store's: one password, as in PKCS12). */
        public Map<String, Object> asKeystore() {
            Map<String, Object> c = new HashMap<>();
            c.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, location.toString());
            c.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, type);
            if (password != null) {
                c.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password);
                c.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, password);
            }
            return c;
        }

        @Override
        public String toString() {
            return type + " " + location + (password == null ? "" : " (password set)");
        }
    }

    private final Path dir;
    private final Store truststore;
    private final Store pemTruststore;
    private final Store clientKeystore;
    private final Store brokerKeystore;

    private KafkaTls(Path dir, Store truststore, Store pemTruststore, Store clientKeystore, Store brokerKeystore) {
        this.dir = dir;
        this.truststore = truststore;
        this.pemTruststore = pemTruststore;
        this.clientKeystore = clientKeystore;
        this.brokerKeystore = brokerKeystore;
    }

    /**
     * Makes a new CA and the stores in {@code dir} (created owner-only if missing; it must not hold
     * stores already). About a dozen keytool runs, in three rounds of parallel processes.
     */
    public static KafkaTls create(Path dir) {
        Path d = dir.toAbsolutePath();
        try {
            if (!Files.exists(d)) {
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (Files.exists(d.resolve("ca-key.p12"))) {
                throw new IllegalArgumentException(d + " already holds a CA (ca-key.p12): give an empty directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d, e);
        }
        String caPass = randomPassword();
        String trustPass = randomPassword();
        String clientPass = randomPassword();
        String brokerPass = randomPassword();
        Path caKey = d.resolve("ca-key.p12");
        Path caPem = d.resolve("ca.crt");
        Path trust = d.resolve("ca.p12");
        Path client = d.resolve("user.p12");
        Path broker = d.resolve("broker.p12");

        // Round 1: the three key pairs.
        parallel(d,
                keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", CA_DN,
                        "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", VALIDITY_DAYS,
                        "-keystore", caKey.toString(), "-storetype", "PKCS12", "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", caPass),
                keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        BROKER_DN, "-validity", VALIDITY_DAYS, "-keystore", broker.toString(), "-storetype", "PKCS12",
                        "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", brokerPass),
                keytool("-genkeypair", "-alias", "user", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        CLIENT_DN, "-validity", VALIDITY_DAYS, "-keystore", client.toString(), "-storetype", "PKCS12",
                        "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", clientPass));

        // Round 2: the CA as PEM; each certificate request piped straight into the CA's signing.
        Path brokerChain = d.resolve("broker-chain.crt");
        Path clientChain = d.resolve("user-chain.crt");
        List<CompletableFuture<Void>> round2 = new ArrayList<>();
        round2.add(async(d, keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caKey.toString(),
                "-storepass:env", "STOREPASS", "-file", caPem.toString()), Map.of("STOREPASS", caPass)));
        round2.add(CompletableFuture.runAsync(() -> sign(d, broker, "broker", brokerPass, caKey, caPass, brokerChain,
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth",
                "-ext", "ku:c=digitalSignature")));
        round2.add(CompletableFuture.runAsync(() -> sign(d, client, "user", clientPass, caKey, caPass, clientChain,
                "-ext", "eku=clientAuth", "-ext", "ku:c=digitalSignature")));
        join(round2);

        // Round 3: the truststore, and each signed certificate with the CA's as its chain back into
        // its keystore (keytool orders and checks the chain; the CA need not be in the keystore).
        try {
            append(brokerChain, caPem);
            append(clientChain, caPem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate chains", e);
        }
        parallel(d,
                keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                        trust.toString(), "-storetype", "PKCS12", "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", trustPass),
                keytool("-importcert", "-noprompt", "-alias", "broker", "-file", brokerChain.toString(), "-keystore",
                        broker.toString(), "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", brokerPass),
                keytool("-importcert", "-noprompt", "-alias", "user", "-file", clientChain.toString(), "-keystore",
                        client.toString(), "-storepass:env", "STOREPASS"),
                Map.of("STOREPASS", clientPass));

        return new KafkaTls(d, new Store(trust, trustPass, "PKCS12"), new Store(caPem, null, "PEM"),
                new Store(client, clientPass, "PKCS12"), new Store(broker, brokerPass, "PKCS12"));
    }

    /** The directory holding the stores. */
    public Path dir() {
        return dir;
    }

    /** {@code ca.p12}: the CA alone, PKCS12, with a password. */
    public Store truststore() {
        return truststore;
    }

    /** {@code ca.crt}: the CA as a PEM certificate, for {@code ssl.truststore.type=PEM} (no password). */
    public Store pemTruststore() {
        return pemTruststore;
    }

    /** {@code user.p12}: the client's key and certificate chain for mutual TLS; key password = store password. */
    public Store clientKeystore() {
        return clientKeystore;
    }

    /** {@code broker.p12}: the broker's key and certificate chain. */
    public Store brokerKeystore() {
        return brokerKeystore;
    }

    /** A random password of 24 letters and digits: safe unquoted in JAAS, properties, shells and URLs. */
    public static String randomPassword() {
        StringBuilder b = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            b.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "KafkaTls[" + dir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    /** {@code keytool -certreq | keytool -gencert}, the signed certificate to {@code out}. */
    private static void sign(Path dir, Path keystore, String alias, String storePass, Path caKey, String caPass,
            Path out, String... extensions) {
        List<String> gencert = keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caKey.toString(),
                "-storepass:env", "CAPASS", "-validity", VALIDITY_DAYS, "-outfile", out.toString());
        gencert.addAll(List.of(extensions));
        ProcessBuilder request = builder(dir, keytool("-certreq", "-alias", alias, "-keystore", keystore.toString(),
                "-storepass:env", "STOREPASS"), Map.of("STOREPASS", storePass));
        ProcessBuilder signing = builder(dir, gencert, Map.of("CAPASS", caPass));
        // A pipeline cannot merge the first process's stderr into its output; keep both in files.
        request.redirectError(dir.resolve("keytool-" + alias + "-certreq.log").toFile());
        request.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        request.redirectOutput(ProcessBuilder.Redirect.PIPE);
        signing.redirectInput(ProcessBuilder.Redirect.PIPE);
        signing.redirectErrorStream(true);
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(request, signing));
            Path requestLog = dir.resolve("keytool-" + alias + "-certreq.log");
            for (int i = 0; i < pipeline.size(); i++) {
                String what = (i == 0 ? "keytool -certreq " : "keytool -gencert for ") + alias;
                await(pipeline.get(i), what, i == 0 ? requestLog : null);
            }
            Files.deleteIfExists(requestLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        }
    }

    private static List<String> keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(KEYTOOL_JVM);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Passwords go in through the environment ({@code -storepass:env}), never on a command line. */
    private static ProcessBuilder builder(Path dir, List<String> cmd, Map<String, String> env) {
        ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile());
        b.environment().putAll(env);
        return b;
    }

    @SuppressWarnings("unchecked")
    private static void parallel(Path dir, Object... commandsAndEnvs) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < commandsAndEnvs.length; i += 2) {
            all.add(async(dir, (List<String>) commandsAndEnvs[i], (Map<String, String>) commandsAndEnvs[i + 1]));
        }
        join(all);
    }

    private static CompletableFuture<Void> async(Path dir, List<String> cmd, Map<String, String> env) {
        return CompletableFuture.runAsync(() -> run(dir, cmd, env));
    }

    private static void join(List<CompletableFuture<Void>> all) {
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static void run(Path dir, List<String> cmd, Map<String, String> env) {
        ProcessBuilder b = builder(dir, cmd, env);
        b.redirectErrorStream(true);
        b.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = b.start();
            await(p, "keytool " + cmd.get(KEYTOOL_JVM.size() + 1), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        }
    }

    /** Waits, bounded, for a keytool run; on failure says what it printed. */
    private static void await(Process p, String what, Path errorLog) {
        try {
            // Output is small (a PEM certificate at most); reading it to the end also waits for the exit.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(cannot read its output: " + e + ")";
                }
            });
            if (!p.waitFor(KEYTOOL_TIMEOUT.toMillis(), MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not end within " + KEYTOOL_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                String printed = output.getNow("");
                if (errorLog != null && Files.exists(errorLog)) {
                    printed += Files.readString(errorLog, StandardCharsets.UTF_8);
                }
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): " + printed.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    private static void append(Path to, Path from) throws IOException {
        Files.write(to, Files.readAllBytes(from), java.nio.file.StandardOpenOption.APPEND);
    }
}
