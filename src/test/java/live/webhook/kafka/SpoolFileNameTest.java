package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoolFileNameTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    @Test
    void namesSortByArrivalThenWebhookThenPlace() {
        Exchange webhook = new DefaultExchange(camel);
        new SpoolArrival().process(webhook);
        String receivedAt = webhook.getVariable("ReceivedAt", String.class);
        assertThat(receivedAt).matches("\\d{8}T\\d{9}");
        assertThat(receivedAt).isEqualTo(SpoolArrival.RECEIVED_AT.format(Instant.ofEpochMilli(webhook.getClock().getCreated())));
        assertThat(webhook.getVariable("WebhookId")).isEqualTo(webhook.getExchangeId());

        Exchange part = webhook.copy();
        part.setProperty(Exchange.SPLIT_INDEX, 3);
        new SpoolFileName().process(part);
        assertThat(part.getVariable("FileName")).isEqualTo(receivedAt + "-" + webhook.getExchangeId() + "-10003.json");
    }

    @Test
    void theArrivalIsTheWebhooksNotTheMomentItIsSpooled() {
        assertThat(SpoolArrival.RECEIVED_AT.format(Instant.parse("2026-03-29T00:59:59.999Z"))).isEqualTo("20260329T005959999");
        // UTC: no hour is repeated when a time zone leaves summer time, which would sort later files first.
        assertThat(SpoolArrival.RECEIVED_AT.format(Instant.parse("2026-10-25T01:30:00Z")))
                .isGreaterThan(SpoolArrival.RECEIVED_AT.format(Instant.parse("2026-10-25T00:30:00Z")));
    }
}
