package live.webhook.receive;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What a webhook that did not end in OK is answered with, from the exception the route caught: a
 * {@link WebhookRefused} gives its ErrorCode and ErrorInfo (Outcome refused), anything else is
 * {@link ErrorCode#NOT_PROCESSED} (Outcome failed). As the variables ErrorCode (the number), ErrorInfo
 * and Outcome, which direct:answer-fail and the metrics read.
 */
public class Refusal implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof WebhookRefused refused) {
            exchange.setVariable("ErrorCode", refused.errorCode().code());
            exchange.setVariable("ErrorInfo", refused.errorInfo());
            exchange.setVariable("Outcome", "refused");
        } else {
            exchange.setVariable("ErrorCode", ErrorCode.NOT_PROCESSED.code());
            exchange.setVariable("ErrorInfo", ErrorCode.NOT_PROCESSED.info());
            exchange.setVariable("Outcome", "failed");
        }
    }
}
