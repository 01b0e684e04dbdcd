package live.webhook.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    @Test
    void eachMessageBecomesOneLineOfJsonInOrder() throws Exception {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("Key", "a\nb");
        first.put("Value", null);
        first.put("EventTime", new BigDecimal("1.50"));
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("Key", "\u00e9");
        second.put("data", Map.of("n", 1));
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(List.of(first, second));
        new JsonLines().process(exchange);
        assertThat(exchange.getMessage().getBody(List.class)).containsExactly(
                "{\"Key\":\"a\\nb\",\"Value\":null,\"EventTime\":1.50}", "{\"Key\":\"\u00e9\",\"data\":{\"n\":1}}");
    }
}
