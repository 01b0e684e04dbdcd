package live.webhook.receive;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * What a webhook that did not end in OK is answered with, from the exception the route caught: a
 * {@link WebhookRefused} gives its ErrorCode and ErrorInfo (Outcome refused), anything else is
 * {@link ErrorCode#NOT_PROCESSED} (Outcome failed). As the variables ErrorCode (the number), ErrorInfo,
 * HttpStatus and Outcome, which direct:answer-fail and the metrics read.
 */
public class Refusal implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof WebhookRefused refused) {
            answer(exchange, refused.errorCode(), refused.errorInfo(), "refused");
        } else {
            answer(exchange, ErrorCode.NOT_PROCESSED, ErrorCode.NOT_PROCESSED.info(), "failed");
        }
    }

    private static void answer(Exchange exchange, ErrorCode code, String errorInfo, String outcome) {
        exchange.setVariable("ErrorCode", code.code());
        exchange.setVariable("ErrorInfo", errorInfo);
        exchange.setVariable("HttpStatus", code.httpStatus());
        exchange.setVariable("Outcome", outcome);
    }
}
