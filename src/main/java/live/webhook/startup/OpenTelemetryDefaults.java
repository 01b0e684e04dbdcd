package live.webhook.startup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;

/**
 * The OpenTelemetry SDK's defaults for this service, read only when OTEL_EXPORTER_OTLP_ENDPOINT
 * turns tracing on (application.properties): the SDK reads environment variables and system
 * properties only, and its own defaults would export over gRPC (not in the jar), export metrics
 * and logs as well, and add Camel's baggage to every record. Each one set in the environment or
 * with -D wins.
 * <p>
 * They are set as soon as the bean gets its CamelContext, when camel-main builds the bean: camel-main
 * builds beans before it installs the tracer, so the SDK finds them. camel-main builds a YAML bean
 * twice (a pre-parse, then the load): the second finds every default already set and sets nothing.
 */
public class OpenTelemetryDefaults implements CamelContextAware {

    private final UnaryOperator<String> environment;
    private CamelContext camelContext;
    private Map<String, String> defaults = Map.of();

    public OpenTelemetryDefaults() {
        this(System::getenv);
    }

    /** With the environment variables read from {@code environment} instead of the process's. */
    OpenTelemetryDefaults(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
        Map<String, String> all = new LinkedHashMap<>();
        all.put("otel.java.global-autoconfigure.enabled", "true");
        all.put("otel.exporter.otlp.protocol", "http/protobuf");
        all.put("otel.metrics.exporter", "none");
        all.put("otel.logs.exporter", "none");
        all.put("otel.propagators", "tracecontext");
        all.put("otel.service.name", camelContext.resolvePropertyPlaceholders("{{camel.main.name}}"));
        all.forEach((key, value) -> {
            if (System.getProperty(key) == null
                    && environment.apply(key.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_")) == null) {
                System.setProperty(key, value);
            }
        });
        defaults = Collections.unmodifiableMap(all);
    }

    /** This service's defaults, each by its system property (whether or not it was set from here). */
    public Map<String, String> getDefaults() {
        return defaults;
    }
}
