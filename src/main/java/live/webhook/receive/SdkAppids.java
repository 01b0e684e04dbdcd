package live.webhook.receive;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Matches a webhook that did not come for one of our SdkAppid values (the variable SdkAppid): the
 * filter that refuses it. The accepted values are read once, when the bean is built, from
 * tencent.sdkappid: comma-separated, spaces around each value ignored ("1400000001, 1400000002" is as
 * good as "1400000001,1400000002"). A missing SdkAppid, an empty one, or one given twice (a List)
 * matches.
 */
public class SdkAppids implements Predicate {

    private Set<String> accepted = Set.of();

    /** tencent.sdkappid. */
    public void setAccepted(String accepted) {
        this.accepted = Arrays.stream(accepted.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> getAccepted() {
        return accepted;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return !(exchange.getVariable("SdkAppid") instanceof String sdkAppid && accepted.contains(sdkAppid));
    }
}
