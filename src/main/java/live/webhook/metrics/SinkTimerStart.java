package live.webhook.metrics;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Marks when the sink starts on a webhook: the variable {@value #VARIABLE} (System.nanoTime()), from
 * which {@link WebhookMetrics} records the tencent.sink timer when the webhook is answered.
 */
public class SinkTimerStart implements Processor {

    /** The exchange variable; other routes and WebhookMetrics read it by this name. */
    public static final String VARIABLE = "SinkStartedAt";

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(VARIABLE, System.nanoTime());
    }
}
