package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import live.webhook.cloudevents.CloudEvents;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaRecordTest {

    static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    static Map<String, Object> message(String command, String value, Object eventTime) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("SdkAppid", "1400000001");
        m.put("CallbackCommand", command);
        m.put("RoomId", "a/b");
        m.put("Key", "c");
        m.put("Value", value);
        m.put("Operator_Account", "brennanli");
        m.put("EventTime", eventTime);
        return m;
    }

    Exchange record(Map<String, Object> body) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        new KafkaRecord().process(exchange);
        return exchange;
    }

    @Test
    void aCloudEventGoesInBinaryContentMode() throws Exception {
        Map<String, Object> message = message("Live.CallbackAfterSetMetadata", "v", 1739965885831L);
        Map<String, Object> event = CloudEvents.event(message,
                CloudEvents.shared("1400000001", "a/b", true, 1739965885831L, TRACE, "congo=t61rcWkgMzE"));
        Exchange exchange = record(event);

        assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).isEqualTo(
                "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"a/b\","
                        + "\"Key\":\"c\",\"Value\":\"v\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}");
        assertThat(exchange.getMessage().getHeaders()).containsOnlyKeys("kafka.KEY", "CallbackCommand", "SdkAppid", "RoomId",
                "Key", "EventTime", "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_sdkappid", "ce_roomid",
                "content-type", "traceparent", "tracestate");
        assertThat(exchange.getMessage().getHeaders()).containsEntry("kafka.KEY", "[\"a/b\",\"c\"]")
                .containsEntry("EventTime", "1739965885831").containsEntry("ce_id", event.get("id"))
                .containsEntry("ce_time", "2025-02-19T11:51:25.831Z").containsEntry("content-type", "application/json")
                .containsEntry("traceparent", TRACE).containsEntry("tracestate", "congo=t61rcWkgMzE");
        assertThat(exchange.getMessage().getHeaders().values()).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
    }

    @Test
    void aDeletedKeyIsATombstoneWithoutContentType() throws Exception {
        Map<String, Object> message = message("Live.CallbackAfterDelMetadata", null, null);
        Exchange exchange = record(CloudEvents.event(message, CloudEvents.shared("1400000001", "a/b", false, null, TRACE, null)));
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKeys("content-type", "EventTime", "ce_time", "tracestate")
                .containsEntry("ce_type", "com.tencentcloud.live.metadata.deleted");
    }

    @Test
    void aTombstoneStaysNullOnAMessageThatWouldCreateItsBodyAgain() throws Exception {
        // Like the spool's file message, which reads the file again when its body is null.
        Exchange exchange = new DefaultExchange(camel);
        exchange.setMessage(new org.apache.camel.support.DefaultMessage(camel) {
            @Override
            protected Object createBody() {
                return "the spool file's content";
            }
        });
        exchange.getMessage().setBody(message("Live.CallbackAfterDelMetadata", null, 1));
        new KafkaRecord().process(exchange);
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getMessage().getHeaders()).containsEntry("kafka.KEY", "[\"a/b\",\"c\"]")
                .containsEntry("CallbackCommand", "Live.CallbackAfterDelMetadata");
    }

    @Test
    void aPlainMessageTakesTheTraceFromTheWebhookOrHasNone() throws Exception {
        Exchange replayed = record(message("Live.CallbackAfterSetMetadata", "v", 1));
        assertThat(replayed.getMessage().getHeaders()).containsOnlyKeys("kafka.KEY", "CallbackCommand", "SdkAppid", "RoomId",
                "Key", "EventTime");

        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("TraceParent", TRACE);
        exchange.getMessage().setBody(message("Live.CallbackAfterSetMetadata", "v", 1));
        new KafkaRecord().process(exchange);
        assertThat(exchange.getMessage().getHeaders()).containsEntry("traceparent", TRACE).doesNotContainKey("tracestate");
    }
}
