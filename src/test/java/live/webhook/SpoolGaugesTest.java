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
 * The spool gauges of routes/health.camel.yaml when its beans script runs twice in one Camel context
 * whose meter registry exists from the start, as it does on Camel Quarkus (Camel 4.18 may run a
 * YAML beans script in a pre-parse, then again in the load; a route reload runs it again too): the
 * gauges registered by the first run must keep reading the spool after the objects of that run are
 * discarded and collected, not NaN.
 */
class SpoolGaugesTest {

    @Test
    void gaugesRegisteredByAnEarlierRunOfTheScriptKeepReadingTheSpoolAfterAGarbageCollection(@TempDir Path spool)
            throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties settings = new Properties();
            settings.setProperty("sink", "kafka");
            settings.setProperty("kafka.brokers", "127.0.0.1:9092");
            settings.setProperty("spool.dir", spool.toString());
            context.getPropertiesComponent().setInitialProperties(settings);
            context.getRegistry().bind("meters", meters);
            String script = Files.readString(Path.of("routes", "health.camel.yaml"), StandardCharsets.UTF_8);

            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("health.camel.yaml", script));
            HealthCheck first = context.getRegistry().lookupByNameAndType("kafkaSinkHealthCheck", HealthCheck.class);
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("health.camel.yaml", script));
            HealthCheck second = context.getRegistry().lookupByNameAndType("kafkaSinkHealthCheck", HealthCheck.class);
            assertThat(second).as("the second run made a check of its own").isNotNull().isNotSameAs(first);
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
