package live.webhook.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkHealthTest {

    final DefaultCamelContext camel = new DefaultCamelContext();
    final SinkHealth health = new SinkHealth();

    @AfterEach
    void close() {
        camel.stop();
    }

    Exchange failedWith(Throwable cause) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        return exchange;
    }

    @Test
    void kafkaIsUnknownThenReachableThenNotThenAgain() {
        assertThat(health.kafkaReachable()).isNull();
        health.kafkaAcknowledged();
        assertThat(health.kafkaReachable()).isTrue();
        health.kafkaFailed(failedWith(new TimeoutException("Expiring 2 record(s)")));
        assertThat(health.kafkaReachable()).isFalse();
        assertThat(health.kafkaFailure().cause()).isEqualTo("Expiring 2 record(s)");
        assertThat(health.kafkaFailure().authentication()).isFalse();
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > health.kafkaFailure().at());
        health.kafkaAcknowledged();
        assertThat(health.kafkaReachable()).isTrue();
    }

    @Test
    void aRefusedLoginStaysTheReasonThroughTheTimeoutsBetweenRefusalsUntilKafkaAcknowledges() {
        health.kafkaFailed(failedWith(new org.apache.camel.RuntimeCamelException(
                new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"))));
        health.kafkaFailed(failedWith(new TimeoutException("Topic t not present in metadata after 500 ms.")));
        assertThat(health.kafkaFailure().cause()).startsWith("Topic t not present");
        assertThat(health.kafkaAuthenticationFailure().cause()).startsWith("Authentication failed during authentication");
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > health.kafkaAuthenticationFailure().at());
        health.kafkaAcknowledged();
        assertThat(health.kafkaAuthenticationFailure()).isNull();
        // A refused TLS handshake (mutual TLS without the right certificate) is one too.
        assertThat(SinkHealth.isAuthentication(new SslAuthenticationException("SSL handshake failed"))).isTrue();
        assertThat(SinkHealth.isAuthentication(new TimeoutException("x"))).isFalse();
    }

    @Test
    void aFailedWriteRecordsTheInnermostCauseAndRemovesTheDotFileOnly(@TempDir Path dir) throws Exception {
        Path partial = Files.writeString(dir.resolve(".20260101T000000000-A.jsonl"), "{\"half");
        Path other = Files.writeString(dir.resolve("20260101T000000000-B.jsonl"), "{}\n");
        Exchange exchange = failedWith(new RuntimeException("Cannot store file", new IOException("No space left on device")));
        exchange.setVariable("WrittenFile", dir.resolve("20260101T000000000-A.jsonl").toString());
        long before = System.currentTimeMillis();

        health.writeFailed(exchange);

        assertThat(partial).doesNotExist();
        assertThat(other).exists();
        assertThat(health.writeFailure().cause()).isEqualTo("java.io.IOException: No space left on device");
        assertThat(health.writeFailure().at()).isBetween(before, System.currentTimeMillis());
        assertThat(exchange.getVariable(SinkHealth.WRITE_FAILURE)).isEqualTo("java.io.IOException: No space left on device");
    }

    @Test
    void aWriteThatSucceedsClearsTheFailureItFollowsNotALaterOne(@TempDir Path dir) throws Exception {
        Exchange spool = failedWith(new IOException("No space left on device"));
        spool.setVariable("WrittenFile", dir.toString());
        health.writeFailed(spool);
        SinkHealth.Failure first = health.writeFailure();
        health.writeFailed(spool);
        health.writesAgain(first);
        assertThat(health.writeFailure()).as("failed again meanwhile").isNotNull().isNotSameAs(first);
        health.writesAgain(health.writeFailure());
        assertThat(health.writeFailure()).isNull();
        assertThat(dir).exists();
    }
}
