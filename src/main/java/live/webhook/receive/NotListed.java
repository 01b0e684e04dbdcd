package live.webhook.receive;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Matches a webhook whose variable is not one of the listed values: the filters that refuse a webhook
 * for another SdkAppid (variable SdkAppid, listed tencent.sdkappid) and answer OK a CallbackCommand we
 * do not route (variable CallbackCommand, listed tencent.commands).
 *
 * <p>The list is read once, when the bean is built: comma-separated, spaces around each value ignored
 * ("1400000001, 1400000002" is as good as "1400000001,1400000002"). A missing or empty value, or one
 * given twice (a List), is not listed.
 */
public class NotListed implements Predicate {

    private String variable;
    private Set<String> listed = Set.of();

    /** The exchange variable whose value is looked up. */
    public void setVariable(String variable) {
        this.variable = variable;
    }

    public String getVariable() {
        return variable;
    }

    /** The values, comma-separated. */
    public void setListed(String listed) {
        this.listed = Arrays.stream(listed.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> getListed() {
        return listed;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return !(exchange.getVariable(variable) instanceof String value && listed.contains(value));
    }
}
