package live.webhook.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookFileNameTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    @Test
    void aDirectoryPerDayAndANameOfTheArrival() {
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        Exchange exchange = new DefaultExchange(camel);
        new WebhookFileName(zone).process(exchange);
        Instant arrived = Instant.ofEpochMilli(exchange.getClock().getCreated());
        assertThat(exchange.getVariable("FileName")).isEqualTo(
                DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(zone).format(arrived) + "/"
                        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(zone).format(arrived) + "-"
                        + exchange.getExchangeId() + ".jsonl");
    }
}
