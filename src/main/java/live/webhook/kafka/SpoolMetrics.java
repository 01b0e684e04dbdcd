package live.webhook.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import live.webhook.metrics.MeterRegistries;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The spool's counters, the series a micrometer: endpoint gave them (same names, the camelContext
 * tag), with each meter found once and kept: a micrometer: endpoint evaluates its name and tags as
 * Simple expressions and looks its meter up on every message.
 *
 * <ul>
 * <li>{@code event = written}: tencent.spool.written, one message written to the spool.</li>
 * <li>{@code event = delivered}: tencent.spool.delivered, one spool file Kafka acknowledged, and
 * tencent.spool.age.ms, how long it had waited (now less the file's CamelFileLastModified).</li>
 * </ul>
 */
public class SpoolMetrics implements Processor, CamelContextAware {

    public static final String WRITTEN = "tencent.spool.written";
    public static final String DELIVERED = "tencent.spool.delivered";
    public static final String AGE = "tencent.spool.age.ms";

    private CamelContext context;
    private boolean delivered;
    private volatile Counter counter;
    private volatile DistributionSummary age;

    /** written or delivered. */
    public void setEvent(String event) {
        if (!"written".equals(event) && !"delivered".equals(event)) {
            throw new IllegalArgumentException("event must be written or delivered, not " + event);
        }
        this.delivered = "delivered".equals(event);
    }

    public String getEvent() {
        return delivered ? "delivered" : "written";
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
    }

    @Override
    public void process(Exchange exchange) {
        if (counter == null && !meters()) {
            return;
        }
        counter.increment();
        if (delivered) {
            Long lastModified = exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
            if (lastModified != null) {
                age.record(System.currentTimeMillis() - lastModified);
            }
        }
    }

    private synchronized boolean meters() {
        if (counter != null) {
            return true;
        }
        MeterRegistry registry = MeterRegistries.find(context);
        if (registry == null) {
            return false;
        }
        String camelContext = context.getName();
        if (delivered) {
            age = DistributionSummary.builder(AGE).tag("camelContext", camelContext).register(registry);
        }
        counter = Counter.builder(delivered ? DELIVERED : WRITTEN).tag("camelContext", camelContext).register(registry);
        return true;
    }
}
