package live.webhook.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.camel.Exchange;

/**
 * What the sinks last did, for readiness ({@link SinkHealthCheck}): when Kafka last acknowledged a
 * send and when and why it last failed (and whether it refused the credentials), and the last write
 * to the sink's directory that failed (a full or read-only disk). The routes tell it at each turn,
 * with bean steps of routes/kafka.camel.yaml and routes/sinks.camel.yaml; it keeps no more than the
 * last of each.
 */
public class SinkHealth {

    /** The exchange variable a failed write leaves for the route's error: the innermost cause. */
    public static final String WRITE_FAILURE = "WriteFailure";

    /** A failure: its innermost cause as text, when (epoch ms), and whether Kafka refused the credentials. */
    public record Failure(String cause, long at, boolean authentication) {
    }

    private volatile long kafkaAcknowledgedAt;
    private volatile Failure kafkaFailure;
    private volatile Failure kafkaAuthenticationFailure;
    private volatile Failure writeFailure;

    /** Kafka acknowledged every record of a send. */
    public void kafkaAcknowledged() {
        kafkaAcknowledgedAt = System.currentTimeMillis();
    }

    /**
     * Kafka did not acknowledge a send: the exchange's exception says why. A refused login (SASL) or TLS
     * handshake is told apart, and stays the reason until Kafka acknowledges again: between two
     * refusals the producer only sees its metadata time out.
     */
    public void kafkaFailed(Exchange exchange) {
        Throwable cause = caught(exchange);
        boolean authentication = isAuthentication(cause);
        Failure failure = new Failure(cause == null ? "unknown" : message(cause), System.currentTimeMillis(), authentication);
        kafkaFailure = failure;
        if (authentication) {
            kafkaAuthenticationFailure = failure;
        }
    }

    /**
     * A write to the sink's directory failed: recorded for readiness (the innermost cause, such as "No
     * space left on device", which Camel's file producer wraps in its own "Cannot store file"), and, for
     * a file the file producer writes under a dot-name and renames when complete (the variable
     * WrittenFile), that dot-file removed. The spool names its directory instead: it cuts a failed write
     * off itself. The innermost cause is left in the variable {@value #WRITE_FAILURE}.
     */
    public void writeFailed(Exchange exchange) throws IOException {
        Throwable cause = caught(exchange);
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root == null ? "unknown" : root.toString();
        writeFailure = new Failure(text, System.currentTimeMillis(), false);
        exchange.setVariable(WRITE_FAILURE, text);
        String written = exchange.getVariable("WrittenFile", String.class);
        if (written != null) {
            Path file = Paths.get(written);
            if (!Files.isDirectory(file)) {
                Files.deleteIfExists(file.resolveSibling("." + file.getFileName()));
            }
        }
    }

    /** Whether Kafka took the last send: null before any, else true after an acknowledgement, false after a failure. */
    public Boolean kafkaReachable() {
        Failure failed = kafkaFailure;
        long acknowledged = kafkaAcknowledgedAt;
        if (failed == null) {
            return acknowledged == 0 ? null : Boolean.TRUE;
        }
        return acknowledged > failed.at();
    }

    public Failure kafkaFailure() {
        return kafkaFailure;
    }

    /** Kafka's refusal of the credentials, while no send has been acknowledged since; else null. */
    public Failure kafkaAuthenticationFailure() {
        Failure failure = kafkaAuthenticationFailure;
        return failure != null && failure.at() >= kafkaAcknowledgedAt ? failure : null;
    }

    public Failure writeFailure() {
        return writeFailure;
    }

    /** A write succeeded after {@code seen}: forgotten, unless a webhook's write failed again meanwhile. */
    void writesAgain(Failure seen) {
        if (writeFailure == seen) {
            writeFailure = null;
        }
    }

    private static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return cause != null ? cause : exchange.getException();
    }

    /** The innermost message of the chain, Kafka's own: wrappers (ExecutionException, Camel's) only repeat it. */
    private static String message(Throwable cause) {
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message != null ? message : cause.getClass().getName();
    }

    /**
     * Whether Kafka refused the login or the TLS handshake: an org.apache.kafka.common.errors
     * AuthenticationException (SASL's and SSL's are subclasses) in the chain. By name, so that this
     * class needs no Kafka client on the classpath of the log and file sinks.
     */
    static boolean isAuthentication(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getName().equals("org.apache.kafka.common.errors.AuthenticationException")) {
                    return true;
                }
            }
        }
        return false;
    }
}
