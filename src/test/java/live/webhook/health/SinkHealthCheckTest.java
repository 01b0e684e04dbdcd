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

    @BeforeEach
    void context() {
        context = new DefaultCamelContext();
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
        context.setVariable("global:writeFailure", "No space left on device");
        context.setVariable("global:writeFailedAt", System.currentTimeMillis() - 1000);

        HealthCheck.Result result = check("kafka", spool, dir.resolve("out")).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).doesNotContainKeys("write.last.failure", "write.failed.ms.ago");
        assertThat(context.getVariable("global:writeFailedAt")).isNull();
        assertThat(context.getVariable("global:writeFailure")).isNull();
        // The 4 KiB probe is removed again.
        try (var left = Files.list(spool)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFailedWriteStaysFailedWhileTheDirectoryCannotBeWritten() throws Exception {
        Path spool = dir.resolve("spool");
        Files.createDirectories(spool);
        long failedAt = System.currentTimeMillis() - 1000;
        context.setVariable("global:writeFailure", "No space left on device");
        context.setVariable("global:writeFailedAt", failedAt);
        SinkHealthCheck check = check("kafka", spool, dir.resolve("out"));
        // Lost after the failure: the directory is now a regular file.
        Files.delete(spool);
        Files.writeString(spool, "a regular file, not a directory");

        HealthCheck.Result result = check.call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValue("spool.dir is not a writable directory");
        assertThat(result.getDetails()).containsEntry("write.last.failure", "No space left on device");
        assertThat(((Number) result.getDetails().get("write.failed.ms.ago")).longValue()).isGreaterThanOrEqualTo(1000);
        assertThat(context.getVariable("global:writeFailedAt", Long.class)).isEqualTo(failedAt);
        assertThat(context.getVariable("global:writeFailure")).isEqualTo("No space left on device");
    }

    @Test
    void aFailedWriteInAWritableDirectoryWhereTheProbeStillFailsIsDown() {
        // A directory that reports itself writable yet takes no new file: what a full disk looks like to
        // the check. As root, /proc is such a directory (a read-only directory is writable for root).
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && Files.isWritable(proc), "needs a writable-looking /proc (root on Linux)");
        assumeTrue(!SinkHealthCheck.writesAgain(proc), "/proc takes files here");
        context.setVariable("global:writeFailure", "No space left on device");
        context.setVariable("global:writeFailedAt", System.currentTimeMillis());

        HealthCheck.Result result = check("file", dir.resolve("spool"), proc).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValue("the last write to sink.file.dir failed, and a write there still fails");
        assertThat(result.getDetails()).containsEntry("write.last.failure", "No space left on device")
                .containsKey("write.failed.ms.ago");
        assertThat(context.getVariable("global:writeFailedAt")).isNotNull();
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
        context.setVariable("global:kafkaAckedAt", 2000L);
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getDetails()).containsEntry("kafka.reachable", true).doesNotContainKey("kafka.last.failure");
    }

    @Test
    void kafkaIsUnreachableAfterAFailureAndStaysUp() {
        context.setVariable("global:kafkaAckedAt", 1000L);
        context.setVariable("global:kafkaFailedAt", 2000L);
        context.setVariable("global:kafkaFailure", "Expiring 1 record(s)");
        HealthCheck.Result result = check("kafka", dir.resolve("spool"), dir.resolve("out")).call();

        assertThat(result.getState()).as("Kafka never makes it DOWN").isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("kafka.reachable", false)
                .containsEntry("kafka.last.failure", "Expiring 1 record(s)");
    }

    @Test
    void kafkaIsReachableAgainAfterAnAcknowledgementThatFollowsTheFailure() {
        context.setVariable("global:kafkaFailedAt", 2000L);
        context.setVariable("global:kafkaFailure", "Expiring 1 record(s)");
        context.setVariable("global:kafkaAckedAt", 3000L);
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
