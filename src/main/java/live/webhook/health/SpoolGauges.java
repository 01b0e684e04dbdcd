package live.webhook.health;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The spool's figures as Prometheus gauges, read when /observe/metrics is scraped:
 * tencent_spool_depth and tencent_spool_oldest_age_seconds.
 *
 * <p>Camel builds a YAML beans entry more than once in one Camel context (a pre-parse of the file
 * before its load, a route reload), and the first build that finds the meter registry registers them
 * (on Camel Quarkus it exists from the start). So each gauge reads the spool through a Supplier it
 * holds strongly (Micrometer holds a plain gauge object weakly: once that build's objects were
 * collected, it would read NaN), and a later build leaves the registered gauges alone.
 */
public final class SpoolGauges {

    public static final String DEPTH = "tencent.spool.depth";
    public static final String OLDEST_AGE = "tencent.spool.oldest.age";

    private SpoolGauges() {
    }

    /** Registers both gauges on the spool, unless they are registered already; true if this call did. */
    public static boolean registerOnce(MeterRegistry meters, SpoolState spool) {
        synchronized (meters) {
            if (meters.find(DEPTH).gauge() != null) {
                return false;
            }
            Supplier<Number> depth = () -> spool.read().depth();
            Supplier<Number> age = () -> spool.read().oldestAgeMillis() / 1000d;
            Gauge.builder(DEPTH, depth).strongReference(true)
                    .description("Messages in the spool, waiting for Kafka").register(meters);
            Gauge.builder(OLDEST_AGE, age).strongReference(true)
                    .baseUnit("seconds").description("How long the oldest message in the spool has waited")
                    .register(meters);
            return true;
        }
    }
}
