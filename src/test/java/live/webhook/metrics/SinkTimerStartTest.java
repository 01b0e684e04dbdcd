package live.webhook.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class SinkTimerStartTest {

    @Test
    void setsSinkStartedAtToTheNanoTimeNow() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            long before = System.nanoTime();

            new SinkTimerStart().process(exchange);

            long after = System.nanoTime();
            assertThat(exchange.getVariable("SinkStartedAt")).isInstanceOf(Long.class);
            assertThat(exchange.getVariable("SinkStartedAt", Long.class)).isBetween(before, after);
        }
    }
}
