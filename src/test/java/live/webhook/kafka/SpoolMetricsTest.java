package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import live.webhook.metrics.MeterRegistries;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoolMetricsTest {

    final DefaultCamelContext camel = new DefaultCamelContext();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        camel.stop();
    }

    SpoolMetrics metrics(String event) {
        camel.getRegistry().bind(MeterRegistries.NAME, meters);
        SpoolMetrics m = new SpoolMetrics();
        m.setEvent(event);
        m.setCamelContext(camel);
        return m;
    }

    @Test
    void writtenCountsEachMessageTaggedWithTheContextAsTheMicrometerEndpointDid() {
        SpoolMetrics written = metrics("written");
        written.process(new DefaultExchange(camel));
        written.process(new DefaultExchange(camel));
        assertThat(meters.get(SpoolMetrics.WRITTEN).tag("camelContext", camel.getName()).counter().count()).isEqualTo(2.0);
        assertThat(meters.find(SpoolMetrics.DELIVERED).counter()).isNull();
    }

    @Test
    void deliveredCountsAndRecordsHowLongTheFileWaited() {
        SpoolMetrics delivered = metrics("delivered");
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.FILE_LAST_MODIFIED, System.currentTimeMillis() - 60_000);
        delivered.process(exchange);
        assertThat(meters.get(SpoolMetrics.DELIVERED).tag("camelContext", camel.getName()).counter().count()).isEqualTo(1.0);
        assertThat(meters.get(SpoolMetrics.AGE).summary().count()).isEqualTo(1);
        assertThat(meters.get(SpoolMetrics.AGE).summary().max()).isBetween(60_000.0, 70_000.0);
    }

    @Test
    void onlyTheTwoEventsAreKnown() {
        assertThatThrownBy(() -> new SpoolMetrics().setEvent("drained")).hasMessageContaining("written or delivered");
    }
}
