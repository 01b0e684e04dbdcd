package live.webhook.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import live.webhook.kafka.Spool;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkHealthCheckTest {

    static final String BROKERS = "127.0.0.1:9092";

    @TempDir
    Path dir;
    DefaultCamelContext context;

    final SinkHealth health = new SinkHealth();

    @BeforeEach
    void context() {
        context = new DefaultCamelContext();
        context.getRegistry().bind("sinkHealth", health);
    }

    /** What write-failed records of a failed write to the directory. */
    void writeFailed(Path directory, String cause) throws Exception {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
        exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new java.io.IOException(cause));
        exchange.setVariable("WrittenFile", directory.toString());
        health.writeFailed(exchange);
    }

    void kafkaFailed(String cause) {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
        exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new org.apache.kafka.common.errors.TimeoutException(cause));
        health.kafkaFailed(exchange);
    }

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    SinkHealthCheck check(String sink, Path spool, Path out) {
        SinkHealthCheck check = new SinkHealthCheck(sink);
        check.setKafkaBrokers(BROKERS);
        check.setSpoolDir(spool.toString());
        check.setSinkFileDir(out.toString());
        check.setCamelContext(context);
        return check;
    }

    @Test
    void isTheSinksReadinessCheckInTheTencentGroup() {
        SinkHealthCheck check = check("kafka", dir.resolve("spool"), dir.resolve("out"));

        assertThat(check.getId()).isEqualTo("kafka-sink");
        assertThat(check.getGroup()).isEqualTo("tencent");
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        assertThat(new SinkHealthCheck("file").getId()).isEqualTo("file-sink");
        assertThat(new SinkHealthCheck("log").getId()).isEqualTo("log-sink");
    }

    @Test
    void theLogSinkWritesNothingAndIsUp() {
        // Directories that could not be written: the log sink does not use them.
        Path file = dir.resolve("a-file");
        HealthCheck.Result result = check("log", file, file).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("sink", "log")
                .doesNotContainKeys("spool.dir", "sink.file.dir", "kafka.reachable", "spool.depth");
    }

    @Test
    void theFileSinkIsUpWhenItsDirectoryCanBeWrittenAndMakesIt() {
        Path out = dir.resolve("out");
        HealthCheck.Result result = check("file", dir.resolve("spool"), out).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("sink", "file").containsEntry("sink.file.dir", out.toString())
                .doesNotContainKeys("spool.dir", "kafka.reachable", "spool.depth");
        assertThat(out).isDirectory();
    }

    @Test
    void isDownWhenTheDirectoryIsARegularFile() throws Exception {
        Path out = Files.writeString(dir.resolve("out"), "a regular file, not a directory");
        HealthCheck.Result result = check("file", dir.resolve("spool"), out).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValue("sink.file.dir is not a writable directory");
        assertThat(result.getDetails()).containsEntry("sink.file.dir", out.toString());
    }

    @Test
    void aFailedWriteIsClearedByTheChecksOwnWriteWhenItSucceeds() throws Exception {
        Path spool = dir.resolve("spool");
        Files.createDirectories(spool);
        writeFailed(spool, "No space left on device");

        HealthCheck.Result result = check("kafka", spool, dir.resolve("out")).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).doesNotContainKeys("write.last.failure", "write.failed.ms.ago");
        assertThat(health.writeFailure()).isNull();
        // The 4 KiB probe is removed again.
        try (var left = Files.list(spool)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFailedWriteStaysFailedWhileTheDirectoryCannotBeWritten() throws Exception {
        Path spool = dir.resolve("spool");
        Files.createDirectories(spool);
        writeFailed(spool, "No space left on device");
        SinkHealth.Failure failed = health.writeFailure();
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() - failed.at() >= 20);
        SinkHealthCheck check = check("kafka", spool, dir.resolve("out"));
        // Lost after the failure: the directory is now a regular file.
        Files.delete(spool);
        Files.writeString(spool, "a regular file, not a directory");

        HealthCheck.Result result = check.call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValue("spool.dir is not a writable directory");
        assertThat(result.getDetails()).containsEntry("write.last.failure", "java.io.IOException: No space left on device");
        assertThat(((Number) result.getDetails().get("write.failed.ms.ago")).longValue()).isGreaterThanOrEqualTo(20);
        assertThat(health.writeFailure()).isSameAs(failed);
    }

    @Test
    void aFailedWriteInAWritableDirectoryWhereTheProbeStillFailsIsDown() throws Exception {
        // A directory that reports itself writable yet takes no new file: what a full disk looks like to
        // the check. As root, /proc is such a directory (a read-only directory is writable for root).
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && Files.isWritable(proc), "needs a writable-looking /proc (root on Linux)");
        assumeTrue(!SinkHealthCheck.writesAgain(proc), "/proc takes files here");
        writeFailed(dir.resolve("spool"), "No space left on device");

        HealthCheck.Result result = check("file", dir.resolve("spool"), proc).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValue("the last write to sink.file.dir failed, and a write there still fails");
        assertThat(result.getDetails()).containsEntry("write.last.failure", "java.io.IOException: No space left on device")
                .containsKey("write.failed.ms.ago");
        assertThat(health.writeFailure()).isNotNull();
    }

    @Test
    void kafkaIsUnknownBeforeTheFirstDeliveryAttempt() {
        Path spool = dir.resolve("spool");
        HealthCheck.Result result = check("kafka", spool, dir.resolve("out")).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("sink", "kafka").containsEntry("kafka.brokers", BROKERS)
                .containsEntry("kafka.reachable", "unknown").containsEntry("spool.dir", spool.toString())
                .containsEntry("spool.depth", 0L).containsEntry("spool.oldest.age.ms", 0L)
                .doesNotContainKey("kafka.last.failure");
    }

    @Test
    void kafkaIsReachableAfterAnAcknowledgement() {
        health.kafkaAcknowledged();
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getDetails()).containsEntry("kafka.reachable", true).doesNotContainKey("kafka.last.failure");
    }

    @Test
    void kafkaIsUnreachableAfterAFailureAndStaysUp() {
        health.kafkaAcknowledged();
        long acked = System.currentTimeMillis();
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > acked);
        kafkaFailed("Expiring 1 record(s)");
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getState()).as("Kafka never makes it DOWN").isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("kafka.reachable", false)
                .containsEntry("kafka.last.failure", "Expiring 1 record(s)").doesNotContainKey("kafka.authentication.failure");
        assertThat(result.getMessage()).hasValue("Kafka did not take the last records in time: webhooks go to the spool");
    }

    @Test
    void kafkaRefusingTheCredentialsIsSaidAndStaysUp() {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
        exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new org.apache.kafka.common.errors.SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        health.kafkaFailed(exchange);
        kafkaFailed("Topic t not present in metadata after 500 ms.");
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getMessage()).hasValue("Kafka refused this service's credentials (authentication failed): webhooks go to the spool");
        assertThat(result.getDetails()).containsEntry("kafka.reachable", false)
                .containsEntry("kafka.authentication.failure",
                        "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void kafkaIsReachableAgainAfterAnAcknowledgementThatFollowsTheFailure() {
        kafkaFailed("Expiring 1 record(s)");
        long failed = System.currentTimeMillis();
        org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > failed);
        health.kafkaAcknowledged();
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getDetails()).containsEntry("kafka.reachable", true)
                .containsEntry("kafka.last.failure", "Expiring 1 record(s)");
    }

    @Test
    void reportsTheSpoolsDepthAndOldestAgeFromTheSpoolTheRoutesUse() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Spool bean = new Spool();
        bean.setDirectory(spool.toString());
        bean.setCamelContext(context);
        context.getRegistry().bind("spool", bean);
        org.apache.camel.Exchange webhook = new org.apache.camel.support.DefaultExchange(context);
        java.util.List<Object> messages = java.util.List.of(java.util.Map.of("Key", "a"), java.util.Map.of("Key", "b"));
        webhook.setVariable("Messages", messages);
        webhook.getMessage().setBody(messages);
        bean.admit(webhook);
        bean.notAcknowledged(webhook);
        bean.write(webhook);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> bean.state().oldestAgeMillis() >= 20);

        HealthCheck.Result result = check("kafka", spool, dir.resolve("out")).call();

        assertThat(result.getDetails()).containsEntry("spool.depth", 2L);
        assertThat((Long) result.getDetails().get("spool.oldest.age.ms")).isGreaterThanOrEqualTo(20);
        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        bean.close();
    }
}
