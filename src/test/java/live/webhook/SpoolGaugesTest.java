package live.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import live.webhook.kafka.Spool;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool gauges of routes/kafka.camel.yaml when its beans entry is built twice in one Camel context
 * whose meter registry exists from the start, as it does on Camel Quarkus (Camel 4.18 may build a YAML
 * beans entry in a pre-parse, then again in the load; a route reload builds it again too): the gauges
 * read the spool the routes use, also after the objects of the other build are collected, not NaN.
 */
class SpoolGaugesTest {

    @Test
    void theGaugesReadTheSpoolTheRoutesUseAfterAGarbageCollection(@TempDir Path spool) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties settings = new Properties();
            settings.setProperty("sink", "kafka");
            settings.setProperty("kafka.brokers", "127.0.0.1:9");
            settings.setProperty("kafka.topic", "t");
            settings.setProperty("kafka.client.id", "test");
            settings.setProperty("spool.dir", spool.toString());
            settings.setProperty("spool.drain.delay.ms", "100000");
            settings.setProperty("kafka.max.block.ms", "500");
            settings.setProperty("kafka.request.timeout.ms", "1000");
            settings.setProperty("kafka.delivery.timeout.ms", "1200");
            settings.setProperty("kafka.linger.ms", "2");
            // application.properties' security settings: none.
            for (String key : List.of("kafka.sasl.mechanism", "kafka.sasl.username", "kafka.sasl.password", "kafka.ssl.truststore.location",
                    "kafka.ssl.truststore.password", "kafka.ssl.keystore.location", "kafka.ssl.keystore.password")) {
                settings.setProperty(key, "");
            }
            settings.setProperty("kafka.security.protocol", "PLAINTEXT");
            settings.setProperty("kafka.ssl.truststore.type", "PKCS12");
            settings.setProperty("kafka.ssl.keystore.type", "PKCS12");
            context.getPropertiesComponent().setInitialProperties(settings);
            context.getRegistry().bind("metricsRegistry", meters);
            // routes/health.camel.yaml's, which the Kafka sink tells what Kafka did.
            context.getRegistry().bind("sinkHealth", new live.webhook.health.SinkHealth());
            String routes = Files.readString(Path.of("routes", "kafka.camel.yaml"), StandardCharsets.UTF_8);
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kafka.camel.yaml", routes));
            Spool first = context.getRegistry().lookupByNameAndType("spool", Spool.class);
            context.removeRoute("sink-kafka");
            for (String route : List.of("kafka-send", "kafka-failed", "spool-write", "spool-drain")) {
                context.removeRoute(route);
            }
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("kafka.camel.yaml", routes));
            Spool second = context.getRegistry().lookupByNameAndType("spool", Spool.class);
            assertThat(second).as("the second build made a spool of its own").isNotNull().isNotSameAs(first);
            first = null;
            context.start();

            // Two messages the spool takes (no broker listens: a webhook's messages go to it).
            Exchange webhook = new DefaultExchange(context);
            List<Map<String, Object>> messages = List.of(Map.of("Key", "a"), Map.of("Key", "b"));
            webhook.setVariable("Messages", messages);
            webhook.getMessage().setBody(messages);
            second.admit(webhook);
            webhook.getMessage().setBody(messages);
            second.notAcknowledged(webhook);
            second.write(webhook);
            second = null;
            System.gc();

            Gauge depth = meters.find(Spool.DEPTH).gauge();
            Gauge age = meters.find(Spool.OLDEST_AGE).gauge();
            assertThat(depth).isNotNull();
            assertThat(age).isNotNull();
            assertThat(depth.value()).isEqualTo(2.0);
            assertThat(age.value()).isNotNaN().isGreaterThanOrEqualTo(0.0);
            assertThat(meters.find(Spool.DEPTH).gauges()).hasSize(1);
        }
    }
}
