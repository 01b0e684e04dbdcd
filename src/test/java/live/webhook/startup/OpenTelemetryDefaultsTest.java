package live.webhook.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenTelemetryDefaults sets the SDK's system properties this service needs, unless already set. */
class OpenTelemetryDefaultsTest {

    static final List<String> KEYS = List.of("otel.java.global-autoconfigure.enabled", "otel.exporter.otlp.protocol",
            "otel.metrics.exporter", "otel.logs.exporter", "otel.propagators", "otel.service.name");

    final Map<String, String> before = new HashMap<>();

    @BeforeEach
    void clear() {
        KEYS.forEach(key -> before.put(key, System.getProperty(key)));
        KEYS.forEach(System::clearProperty);
    }

    @AfterEach
    void restore() {
        before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    static CamelContext named(String name) {
        Properties properties = new Properties();
        properties.setProperty("camel.main.name", name);
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        return context;
    }

    @Test
    void everyDefaultIsSetWhenNothingIsSet() {
        new OpenTelemetryDefaults(variable -> null).setCamelContext(named("tencent-live-webhook"));

        assertThat(System.getProperty("otel.java.global-autoconfigure.enabled")).isEqualTo("true");
        assertThat(System.getProperty("otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
        assertThat(System.getProperty("otel.metrics.exporter")).isEqualTo("none");
        assertThat(System.getProperty("otel.logs.exporter")).isEqualTo("none");
        assertThat(System.getProperty("otel.propagators")).isEqualTo("tracecontext");
        assertThat(System.getProperty("otel.service.name")).isEqualTo("tencent-live-webhook");
    }

    @Test
    void aSystemPropertyOrEnvironmentVariableAlreadySetWins() {
        System.setProperty("otel.propagators", "b3");
        Map<String, String> environment = Map.of("OTEL_METRICS_EXPORTER", "prometheus", "OTEL_SERVICE_NAME", "from-env",
                "OTEL_JAVA_GLOBAL_AUTOCONFIGURE_ENABLED", "false");

        new OpenTelemetryDefaults(environment::get).setCamelContext(named("tencent-live-webhook"));

        assertThat(System.getProperty("otel.propagators")).as("-D wins").isEqualTo("b3");
        assertThat(System.getProperty("otel.metrics.exporter")).as("left to the SDK, which reads the variable").isNull();
        assertThat(System.getProperty("otel.service.name")).isNull();
        assertThat(System.getProperty("otel.java.global-autoconfigure.enabled")).isNull();
        assertThat(System.getProperty("otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
        assertThat(System.getProperty("otel.logs.exporter")).isEqualTo("none");
    }

    @Test
    void theSecondBuildOfTheBeanChangesNothing() {
        new OpenTelemetryDefaults(variable -> null).setCamelContext(named("first"));
        System.setProperty("otel.logs.exporter", "otlp");

        OpenTelemetryDefaults second = new OpenTelemetryDefaults(variable -> null);
        second.setCamelContext(named("second"));

        assertThat(System.getProperty("otel.service.name")).isEqualTo("first");
        assertThat(System.getProperty("otel.logs.exporter")).isEqualTo("otlp");
        assertThat(second.getDefaults()).containsEntry("otel.service.name", "second").hasSize(6);
    }
}
