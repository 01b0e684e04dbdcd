package live.webhook.messages;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Sets the HTTP status of a FAIL answer from the variable ErrorCode, whose first three digits are
 * the status (4030 is 403), as the README's table of ErrorCodes says.
 */
public class HttpStatus implements Processor {

    @Override
    public void process(Exchange exchange) {
        int code = exchange.getVariable("ErrorCode", Integer.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code / 10);
    }
}
