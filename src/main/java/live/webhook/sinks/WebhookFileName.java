package live.webhook.sinks;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The file sink's name for a webhook's file, as the variable FileName:
 * {@code yyyy-MM-dd/yyyyMMdd'T'HHmmssSSS-<exchange id>.jsonl}, a directory per day and names that sort
 * by arrival (the exchange's creation), in the service's time zone. The formatters are made once.
 */
public class WebhookFileName implements Processor {

    private final DateTimeFormatter day;
    private final DateTimeFormatter time;

    public WebhookFileName() {
        this(ZoneId.systemDefault());
    }

    WebhookFileName(ZoneId zone) {
        day = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(zone);
        time = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(zone);
    }

    @Override
    public void process(Exchange exchange) {
        Instant arrived = Instant.ofEpochMilli(exchange.getClock().getCreated());
        exchange.setVariable("FileName", day.format(arrived) + "/" + time.format(arrived) + "-" + exchange.getExchangeId() + ".jsonl");
    }
}
