package live.webhook.kamelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import live.webhook.cloudevents.CloudEvents;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class KameletEventTest {

    @Test
    void anEventIsTheMessageWithTheKafkaSinksKeyAndAttributes() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SdkAppid", "1400000001");
        m.put("CallbackCommand", "Live.CallbackAfterDelMetadata");
        m.put("RoomId", "room");
        m.put("Key", "key1");
        m.put("Value", null);
        m.put("Operator_Account", "op");
        m.put("EventTime", 1739965885831L);
        String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(CloudEvents.event(m, CloudEvents.shared("1400000001", "room", false, 1739965885831L, trace, null)));
            new KameletEvent().process(exchange);

            assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo(
                    "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterDelMetadata\",\"RoomId\":\"room\","
                            + "\"Key\":\"key1\",\"Value\":null,\"Operator_Account\":\"op\",\"EventTime\":1739965885831}");
            assertThat(exchange.getMessage().getHeaders()).containsEntry("key", "[\"room\",\"key1\"]")
                    .containsEntry("MetadataKey", "key1").containsEntry("RoomId", "room")
                    .containsEntry("Content-Type", "application/json").containsEntry("ce_id", CloudEvents.id(m))
                    .containsEntry("traceparent", trace).doesNotContainKey("tracestate");

            Exchange plain = new DefaultExchange(camel);
            plain.getMessage().setBody(m);
            new KameletEvent().process(plain);
            assertThat(plain.getMessage().getHeaders()).containsOnlyKeys("key", "CallbackCommand", "RoomId", "MetadataKey", "Content-Type");
        }
    }
}
