package live.webhook.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The spool file of one message of a webhook, as the variable FileName:
 * {@code <ReceivedAt>-<WebhookId>-<10000 + the message's place in the webhook>.json}. Names sort by
 * arrival: receive time, then the webhook's exchange id (a counter within one run), then the key's
 * place in the webhook (the split's index, from 10000 so that it sorts as text). ReceivedAt and
 * WebhookId come from {@link SpoolArrival}.
 */
public class SpoolFileName implements Processor {

    @Override
    public void process(Exchange exchange) {
        int index = exchange.getProperty(Exchange.SPLIT_INDEX, 0, Integer.class);
        exchange.setVariable("FileName", exchange.getVariable("ReceivedAt") + "-" + exchange.getVariable("WebhookId") + "-"
                + (10000 + index) + ".json");
    }
}
