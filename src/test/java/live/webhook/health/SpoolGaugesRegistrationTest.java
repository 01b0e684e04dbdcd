package live.webhook.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolGaugesRegistrationTest {

    @TempDir
    Path spool;

    static WeakReference<SinkHealthCheck> build(DefaultCamelContext context, String sink, Path spool) {
        SinkHealthCheck check = new SinkHealthCheck(sink);
        check.setKafkaBrokers("127.0.0.1:9092");
        check.setSpoolDir(spool.toString());
        check.setSinkFileDir(spool.resolve("out").toString());
        check.setCamelContext(context);
        return new WeakReference<>(check);
    }

    void twoSpoolFilesAndOneBeingWritten() throws Exception {
        Files.writeString(spool.resolve("20260101T000000000-A-0000000000000001-10000.json"), "{}");
        Files.writeString(spool.resolve("20260101T000000000-A-0000000000000001-10001.json"), "{}");
        Files.writeString(spool.resolve(".20260101T000000001-B-0000000000000002-10000.json"), "{");
    }

    @Test
    void registeredOnceByTheFirstBuildAndStillReadingAfterTheChecksAreCollected() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("metricsRegistry", meters);
            WeakReference<SinkHealthCheck> first = build(context, "kafka", spool);
            WeakReference<SinkHealthCheck> second = build(context, "kafka", spool);
            twoSpoolFilesAndOneBeingWritten();

            // Nothing holds the checks any more: once they are collected, the gauges must still read.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                System.gc();
                return first.get() == null && second.get() == null;
            });

            assertThat(meters.find(SpoolGauges.DEPTH).gauges()).hasSize(1);
            assertThat(meters.find(SpoolGauges.OLDEST_AGE).gauges()).hasSize(1);
            assertThat(meters.find(SpoolGauges.DEPTH).gauge().value()).isEqualTo(2.0);
            Gauge age = meters.find(SpoolGauges.OLDEST_AGE).gauge();
            assertThat(age.value()).isNotNaN().isGreaterThanOrEqualTo(0.0);
            assertThat(age.getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(age.getId().getDescription()).isEqualTo("How long the oldest message in the spool has waited");
            assertThat(meters.find(SpoolGauges.DEPTH).gauge().getId().getDescription())
                    .isEqualTo("Messages in the spool, waiting for Kafka");
        }
    }

    @Test
    void aRegistryBoundAfterTheBuildGetsTheGaugesWhenTheContextStarts() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            build(context, "kafka", spool);
            assertThat(meters.find(SpoolGauges.DEPTH).gauge()).isNull();
            // camel-main binds its registry after the routes' beans are built, before the start.
            context.getRegistry().bind("metricsRegistry", meters);
            context.start();
            twoSpoolFilesAndOneBeingWritten();
            System.gc();

            assertThat(meters.find(SpoolGauges.DEPTH).gauges()).hasSize(1);
            assertThat(meters.find(SpoolGauges.DEPTH).gauge().value()).isEqualTo(2.0);
            // A build after the start (a route reload) registers nothing more.
            build(context, "kafka", spool);
            assertThat(meters.find(SpoolGauges.DEPTH).gauges()).hasSize(1);
        }
    }

    @Test
    void otherSinksHaveNoSpoolGauges() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("metricsRegistry", meters);
            build(context, "log", spool);
            build(context, "file", spool);
            context.start();

            assertThat(meters.find(SpoolGauges.DEPTH).gauge()).isNull();
            assertThat(meters.find(SpoolGauges.OLDEST_AGE).gauge()).isNull();
        }
    }
}
