package live.webhook.kafka;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Before a webhook's messages go to the spool: the variables ReceivedAt (when the webhook arrived,
 * yyyyMMdd'T'HHmmssSSS in UTC) and WebhookId (its exchange id, a counter within one run), from which
 * spool-write names each file, so that names sort by arrival. The arrival is the exchange's creation,
 * so a webhook that waited for Kafka still sorts before one that came after it.
 */
public class SpoolArrival implements Processor {

    static final DateTimeFormatter RECEIVED_AT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable("ReceivedAt", RECEIVED_AT.format(Instant.ofEpochMilli(exchange.getClock().getCreated())));
        exchange.setVariable("WebhookId", exchange.getExchangeId());
    }
}
