package live.webhook.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/** Where the service's meters go: the meter registry of the Camel context. */
public final class MeterRegistries {

    /** The name camel-main (and Camel Quarkus) binds its meter registry under. */
    public static final String NAME = "metricsRegistry";

    private MeterRegistries() {
    }

    /**
     * The registry exists once camel-main (or Camel Quarkus) has started metrics: on camel-main it may
     * not exist yet while the routes and their beans are being loaded, on Camel Quarkus it exists from
     * the start. So callers look it up when they need it, and keep what they registered. Null while
     * there is none (or more than one, none of them named {@value #NAME}).
     */
    public static MeterRegistry find(CamelContext context) {
        MeterRegistry named = context.getRegistry().lookupByNameAndType(NAME, MeterRegistry.class);
        return named != null ? named : context.getRegistry().findSingleByType(MeterRegistry.class);
    }
}
