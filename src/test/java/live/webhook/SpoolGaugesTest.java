package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool gauges of routes/health.camel.yaml (live.webhook.health.SinkHealthCheck) when its beans
 * entry is built twice in one Camel context whose meter registry exists from the start, as it does on
 * Camel Quarkus (Camel 4.18 may build a YAML beans entry in a pre-parse, then again in the load; a
 * route reload builds it again too): the gauges registered by the first build must keep reading the
 * spool after the objects of that build are discarded and collected, not NaN.
 */
class SpoolGaugesTest {

    @Test
    void gaugesRegisteredByAnEarlierBuildOfTheBeanKeepReadingTheSpoolAfterAGarbageCollection(@TempDir Path spool)
            throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties settings = new Properties();
            settings.setProperty("sink", "kafka");
            settings.setProperty("kafka.brokers", "127.0.0.1:9092");
            settings.setProperty("spool.dir", spool.toString());
            // The check's settings are all bean properties now, resolved when it is built.
            settings.setProperty("sink.file.dir", spool.resolve("out").toString());
            context.getPropertiesComponent().setInitialProperties(settings);
            context.getRegistry().bind("meters", meters);
            String routes = Files.readString(Path.of("routes", "health.camel.yaml"), StandardCharsets.UTF_8);

            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("health.camel.yaml", routes));
            HealthCheck first = context.getRegistry().lookupByNameAndType("sinkHealthCheck", HealthCheck.class);
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("health.camel.yaml", routes));
            HealthCheck second = context.getRegistry().lookupByNameAndType("sinkHealthCheck", HealthCheck.class);
            assertThat(second).as("the second build made a check of its own").isNotNull().isNotSameAs(first);
            first = null;
            second = null;

            Files.writeString(spool.resolve("20260101T000000000-A-0000000000000001-10000.json"), "{}");
            Files.writeString(spool.resolve("20260101T000000000-A-0000000000000001-10001.json"), "{}");
            Files.writeString(spool.resolve(".20260101T000000001-B-0000000000000002-10000.json"), "{");
            System.gc();

            Gauge depth = meters.find("tencent.spool.depth").gauge();
            Gauge age = meters.find("tencent.spool.oldest.age").gauge();
            assertThat(depth).isNotNull();
            assertThat(age).isNotNull();
            assertThat(depth.value()).isEqualTo(2.0);
            assertThat(age.value()).isNotNaN().isGreaterThanOrEqualTo(0.0);
            assertThat(meters.find("tencent.spool.depth").gauges()).hasSize(1);
        }
    }
}
