package live.webhook.receive;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Matches a webhook without a CallbackCommand (the variable): none, or an empty or blank one. Such a
 * webhook is refused (4001); one given twice (a List) is not missing, and is not routed either.
 */
public class MissingCallbackCommand implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        Object command = exchange.getVariable("CallbackCommand");
        return command == null || command instanceof String s && s.isBlank();
    }
}
