package live.webhook.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import live.webhook.bench.KafkaCluster.Listener;
import live.webhook.bench.KafkaTls.Store;

/**
 * A one-node Kafka with a PLAINTEXT, a SASL_SSL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN) and a mutual-TLS
 * listener ({@link KafkaCluster#withSecurity()}), for the benchmark and for trying the service against
 * a secured Kafka by hand. From the repository root:
 *
 * <pre>
 * mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench/classpath.txt
 * java -cp "target/test-classes:$(cat target/bench/classpath.txt)" live.webhook.bench.SecureKafka [dir]
 * </pre>
 *
 * Once the node serves, it prints {@code key=value} lines on stdout, the last one {@code ready=true}:
 * the bootstrap address of each listener, the users and passwords, the stores with their passwords
 * and types, and the Strimzi-shaped directory. Then it runs until SIGTERM or Ctrl-C, which kill the
 * node. Without {@code dir} everything lives in a temporary directory deleted at exit; a given
 * {@code dir} must be empty or new, and is kept (node log, stores). Passwords are new on every run.
 */
public final class SecureKafka {

    private SecureKafka() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("usage: SecureKafka [dir]");
            System.exit(2);
        }
        Path dir = args.length == 1 ? Path.of(args[0]) : null;
        long t0 = System.nanoTime();
        KafkaCluster kafka = new KafkaCluster(1, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "secure-kafka-stop"));
        try {
            kafka.withSecurity().start();
        } catch (RuntimeException e) {
            System.err.println("SecureKafka: the node did not start: " + e.getMessage());
            kafka.close();
            System.exit(1);
        }
        System.err.printf("SecureKafka: serving after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        print(settings(kafka), System.out);
        // Runs until a signal ends the JVM; the shutdown hook then kills the node.
        new CountDownLatch(1).await();
    }

    /** What {@link #main} prints, in its order. */
    static Map<String, String> settings(KafkaCluster kafka) {
        KafkaSecurity security = kafka.security();
        KafkaTls tls = security.tls();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("dir", kafka.dir().toString());
        s.put("node.log", kafka.log(1).toString());
        s.put("bootstrap.plaintext", kafka.bootstrapServers(Listener.PLAINTEXT));
        s.put("bootstrap.sasl_ssl", kafka.bootstrapServers(Listener.SASL_SSL));
        s.put("bootstrap.ssl", kafka.bootstrapServers(Listener.SSL));
        s.put("sasl.scram.mechanisms", String.join(",", KafkaSecurity.SCRAM_MECHANISMS));
        s.put("sasl.scram.username", security.scram().username());
        s.put("sasl.scram.password", security.scram().password());
        s.put("sasl.plain.username", security.plain().username());
        s.put("sasl.plain.password", security.plain().password());
        store(s, "ssl.truststore", tls.truststore());
        s.put("ssl.truststore.pem.location", tls.pemTruststore().location().toString());
        store(s, "ssl.keystore", tls.clientKeystore());
        s.put("ssl.keystore.principal", KafkaTls.CLIENT_DN);
        store(s, "broker.keystore", tls.brokerKeystore());
        s.put("strimzi.dir", security.strimziDir().toString());
        s.put("ready", "true");
        return s;
    }

    private static void store(Map<String, String> s, String prefix, Store store) {
        s.put(prefix + ".location", store.location().toString());
        s.put(prefix + ".password", store.password());
        s.put(prefix + ".type", store.type());
    }

    private static void print(Map<String, String> settings, PrintStream out) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        // One write, so a reader that sees ready=true has seen every line before it.
        out.print(b);
        out.flush();
    }
}
