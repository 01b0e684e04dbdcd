package live.webhook.receive;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Matches a webhook whose CallbackCommand (the variable) is not one we route: one webhook URL receives
 * every command the app switched on, and those are answered OK and routed nowhere. The routed commands
 * are read once, when the bean is built, from tencent.commands (comma-separated). A command given
 * twice (a List) is not routed.
 */
public class CallbackCommands implements Predicate {

    private Set<String> routed = Set.of();

    /** tencent.commands. */
    public void setRouted(String routed) {
        this.routed = Arrays.stream(routed.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> getRouted() {
        return routed;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return !(exchange.getVariable("CallbackCommand") instanceof String command && routed.contains(command));
    }
}
