package live.webhook.receive;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A check run on an exchange as the route runs it: a refusal it throws is answered as the route's
 * onException answers it ({@link Refusal}), leaving the variables ErrorCode, ErrorInfo and Outcome.
 */
public final class Answered {

    private Answered() {
    }

    public static Exchange after(Processor check, Exchange exchange) {
        try {
            check.process(exchange);
        } catch (WebhookRefused refused) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refused);
            new Refusal().process(exchange);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return exchange;
    }
}
