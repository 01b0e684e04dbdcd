package live.webhook.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.ref.WeakReference;
import java.util.function.BiConsumer;

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

    /**
     * Registers what {@code register} makes when the context starts, before any route takes a message
     * (at once if it has started): camel-main binds its registry after it builds the beans, and a bean's
     * properties may not all be set when it is given the context. The one place that waits for the
     * registry, so that nothing looks it up per message. The context keeps its listener for good, so it
     * holds the owner weakly: Camel builds a YAML bean twice and discards the first.
     */
    public static <T> void whenBound(CamelContext context, T owner, BiConsumer<T, MeterRegistry> register) {
        WeakReference<T> weak = new WeakReference<>(owner);
        try {
            context.addStartupListener((started, alreadyStarted) -> {
                T alive = weak.get();
                MeterRegistry bound = find(started);
                if (alive != null && bound != null) {
                    register.accept(alive, bound);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot wait for the meter registry", e);
        }
    }
}
