package live.webhook.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SdkAppid and CallbackCommand filters. */
class ChecksTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    Exchange with(String variable, Object value) {
        Exchange exchange = new DefaultExchange(camel);
        if (value != null) {
            exchange.setVariable(variable, value);
        }
        return exchange;
    }

    @Test
    void onlyTheListedSdkAppidsAreAccepted() {
        NotListed notAccepted = new NotListed();
        notAccepted.setVariable("SdkAppid");
        notAccepted.setListed(" 1400000002, 1400000001 ,");
        assertThat(notAccepted.getListed()).containsExactlyInAnyOrder("1400000001", "1400000002");
        assertThat(notAccepted.matches(with("SdkAppid", "1400000001"))).isFalse();
        assertThat(notAccepted.matches(with("SdkAppid", "1400000002"))).isFalse();
        for (Object refused : new Object[] {"140000000", "1400000002,1400000001", "", " 1400000001", null,
            List.of("1400000001", "1400000001")}) {
            assertThat(notAccepted.matches(with("SdkAppid", refused))).as("%s", refused).isTrue();
        }
    }

    @Test
    void onlyTheListedCommandsAreRouted() {
        NotListed notRouted = new NotListed();
        notRouted.setVariable("CallbackCommand");
        notRouted.setListed("Live.CallbackAfterSetMetadata, Live.CallbackAfterDelMetadata");
        assertThat(notRouted.matches(with("CallbackCommand", "Live.CallbackAfterSetMetadata"))).isFalse();
        assertThat(notRouted.matches(with("CallbackCommand", "Live.CallbackAfterDelMetadata"))).isFalse();
        for (Object other : new Object[] {"Live.CallbackAfterCreateRoom", "live.callbackaftersetmetadata", null,
            List.of("Live.CallbackAfterSetMetadata", "Live.CallbackAfterSetMetadata")}) {
            assertThat(notRouted.matches(with("CallbackCommand", other))).as("%s", other).isTrue();
        }
    }

    @Test
    void aCallbackCommandThatIsMissingEmptyOrBlankIsMissing() {
        MissingCallbackCommand missing = new MissingCallbackCommand();
        assertThat(missing.matches(with("CallbackCommand", null))).isTrue();
        assertThat(missing.matches(with("CallbackCommand", ""))).isTrue();
        assertThat(missing.matches(with("CallbackCommand", " \t"))).isTrue();
        assertThat(missing.matches(with("CallbackCommand", "Live.CallbackAfterSetMetadata"))).isFalse();
        assertThat(missing.matches(with("CallbackCommand", List.of("a", "a")))).isFalse();
    }
}
