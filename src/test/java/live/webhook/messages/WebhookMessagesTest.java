package live.webhook.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import live.webhook.cloudevents.CloudEvents;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookMessagesTest {

    static final String SET = "Live.CallbackAfterSetMetadata";
    static final String DEL = "Live.CallbackAfterDelMetadata";
    static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    /** The route's unmarshal: floats as BigDecimal. */
    static final ObjectMapper TREE = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    final DefaultCamelContext camel = new DefaultCamelContext();
    final WebhookMessages messages = new WebhookMessages();

    @AfterEach
    void close() {
        camel.stop();
    }

    Exchange webhook(String command, JsonNode body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable("SdkAppid", "1400000001");
        exchange.setVariable("CallbackCommand", command);
        exchange.setVariable("TraceParent", TRACE);
        exchange.setVariable("TraceState", "congo=t61rcWkgMzE");
        exchange.getMessage().setBody(body);
        return exchange;
    }

    static ObjectNode sample(String name) throws Exception {
        return (ObjectNode) TREE.readTree(Files.readString(Path.of("src/test/resources/samples", name)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSampleSetMetadataBecomesOneCloudEventPerKey() throws Exception {
        Exchange exchange = webhook(SET, sample("set-metadata.json"));
        live.webhook.receive.Answered.after(messages, exchange);

        List<Map<String, Object>> events = exchange.getMessage().getBody(List.class);
        assertThat(events).hasSize(2);
        assertThat(exchange.getVariable("MessageCount")).isEqualTo(2);
        assertThat(exchange.getVariable("RoomId")).isEqualTo("live-room1111");
        assertThat(exchange.getVariable("ErrorCode")).isNull();
        Map<String, Object> first = events.get(0);
        assertThat(first.keySet()).containsExactly("specversion", "id", "source", "type", "time", "datacontenttype",
                "sdkappid", "roomid", "traceparent", "tracestate", "data");
        assertThat(first).containsEntry("specversion", "1.0").containsEntry("source", "/tencent/live/1400000001")
                .containsEntry("type", "com.tencentcloud.live.metadata.set").containsEntry("time", "2025-02-19T11:51:25.831Z")
                .containsEntry("traceparent", TRACE).containsEntry("tracestate", "congo=t61rcWkgMzE");
        Map<String, Object> data = (Map<String, Object>) first.get("data");
        assertThat(new ObjectMapper().writeValueAsString(data)).isEqualTo("{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":"
                + "\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":\"value1\","
                + "\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}");
        assertThat(first.get("id")).isEqualTo(CloudEvents.id(data));
        assertThat(events.get(1).get("id")).isNotEqualTo(first.get("id"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeletedKeyHasANullValueAndWithoutCloudEventsTheMessageIsPlain() throws Exception {
        messages.setCloudEvents("false");
        Exchange exchange = webhook(DEL, sample("del-metadata.json"));
        live.webhook.receive.Answered.after(messages, exchange);
        List<Map<String, Object>> plain = exchange.getMessage().getBody(List.class);
        assertThat(plain).isNotEmpty().allSatisfy(m -> assertThat(m).containsEntry("Value", null)
                .containsEntry("CallbackCommand", DEL).doesNotContainKey("data"));
    }

    @Test
    void aMissingOrMalformedTraceParentStartsANewTraceWithoutTheTraceState() throws Exception {
        for (String parent : new String[] {null, "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "garbage"}) {
            Exchange exchange = webhook(SET, sample("set-metadata.json"));
            exchange.setVariable("TraceParent", parent);
            live.webhook.receive.Answered.after(messages, exchange);
            String started = exchange.getVariable("TraceParent", String.class);
            assertThat(started).matches("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01").isNotEqualTo(parent);
            assertThat(exchange.getVariable("TraceState")).isNull();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> events = exchange.getMessage().getBody(List.class);
            assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("traceparent", started).doesNotContainKey("tracestate"));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CallbackCommand|\"Live.CallbackAfterDelMetadata\"|4003|CallbackCommand in the body differs from the query",
            "CallbackCommand|7|4003|CallbackCommand in the body differs from the query",
            "RoomId|\"\"|4004|RoomId must be a non-empty string",
            "RoomId|1|4004|RoomId must be a non-empty string",
            "Metadata|{}|4005|Metadata must be an array of Key and Value strings",
            "Metadata|[{\"Key\":\"k\",\"Value\":\"v\"},{\"Key\":\"\",\"Value\":\"v\"}]|4005|Metadata must be an array of Key and Value strings",
            "Metadata|[{\"Key\":\"k\",\"Value\":1}]|4005|Metadata must be an array of Key and Value strings",
            "Metadata|[\"k\"]|4005|Metadata must be an array of Key and Value strings"})
    void aBadFieldRefusesTheWholeWebhook(String field, String value, int code, String info) throws Exception {
        ObjectNode body = sample("set-metadata.json");
        body.set(field, TREE.readTree(value));
        Exchange exchange = webhook(SET, body);
        live.webhook.receive.Answered.after(messages, exchange);
        assertThat(exchange.getMessage().getBody()).as("no message made").isNotInstanceOf(java.util.List.class);
        assertThat(exchange.getVariable("ErrorCode")).isEqualTo(code);
        assertThat(exchange.getVariable("ErrorInfo")).isEqualTo(info);
        assertThat(exchange.getVariable("MessageCount")).isNull();
    }

    @Test
    void deleteKeysMustBeNonEmptyStrings() throws Exception {
        for (String keys : new String[] {"[\"a\", \"\"]", "[\"a\", 1]", "\"a\"", "[null]"}) {
            ObjectNode body = sample("del-metadata.json");
            body.set("Keys", TREE.readTree(keys));
            Exchange exchange = webhook(DEL, body);
            live.webhook.receive.Answered.after(messages, exchange);
            assertThat(exchange.getVariable("ErrorCode")).as(keys).isEqualTo(4006);
            assertThat(exchange.getVariable("ErrorInfo")).isEqualTo("Keys must be an array of non-empty strings");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void fieldsAreCarriedAsSentAndEqualNumbersSpelledDifferentlyShareAnId() throws Exception {
        ObjectNode spelled = sample("set-metadata.json");
        spelled.set("Operator_Account", TREE.readTree("1E+7"));
        ObjectNode plain = sample("set-metadata.json");
        plain.set("Operator_Account", TREE.readTree("10000000"));
        Exchange a = webhook(SET, spelled);
        Exchange b = webhook(SET, plain);
        live.webhook.receive.Answered.after(messages, a);
        live.webhook.receive.Answered.after(messages, b);
        Map<String, Object> eventA = (Map<String, Object>) a.getMessage().getBody(List.class).get(0);
        Map<String, Object> eventB = (Map<String, Object>) b.getMessage().getBody(List.class).get(0);
        assertThat(((Map<String, Object>) eventA.get("data")).get("Operator_Account")).isEqualTo(new BigDecimal("1E+7"));
        assertThat(eventA.get("id")).isEqualTo(eventB.get("id"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNumberBeyondADoublesRangeIsCarriedAsSentAndCountsAsNullInTheId() throws Exception {
        ObjectNode huge = sample("set-metadata.json");
        huge.set("EventTime", TREE.readTree("1e999999"));
        huge.set("Operator_Account", TREE.readTree("[1, {\"a\": -1E+999}]"));
        Exchange exchange = webhook(SET, huge);
        live.webhook.receive.Answered.after(messages, exchange);
        assertThat(exchange.getVariable("ErrorCode")).isNull();
        Map<String, Object> event = (Map<String, Object>) exchange.getMessage().getBody(List.class).get(0);
        Map<String, Object> data = (Map<String, Object>) event.get("data");
        assertThat(data.get("EventTime")).isEqualTo(new BigDecimal("1e999999"));
        assertThat(event).doesNotContainKey("time");

        ObjectNode nulls = sample("set-metadata.json");
        nulls.putNull("EventTime");
        nulls.set("Operator_Account", TREE.readTree("[1, {\"a\": null}]"));
        Exchange same = webhook(SET, nulls);
        live.webhook.receive.Answered.after(messages, same);
        assertThat(event.get("id")).isEqualTo(((Map<String, Object>) same.getMessage().getBody(List.class).get(0)).get("id"));
    }

    @Test
    void cloudEventsIsReadWithoutFailingTheBeansBuildWhichTheSettingsCheckLeavesToIt() throws Exception {
        messages.setCloudEvents(" FALSE ");
        assertThat(messages.isCloudEvents()).isFalse();
        // Any other value stops the start in the settings check (SettingsCheckTest); the bean is built first.
        messages.setCloudEvents("yes");
        assertThat(messages.isCloudEvents()).isTrue();
        Exchange exchange = webhook(SET, sample("set-metadata.json"));
        messages.setCloudEvents("true");
        live.webhook.receive.Answered.after(messages, exchange);
        assertThat(messages.isCloudEvents()).isTrue();
        assertThat(exchange.getVariable("MessageCount")).isEqualTo(2);
    }

    @Test
    void anEventTimeThatIsNotAWholeNumberGivesNoTime() throws Exception {
        ObjectNode body = sample("set-metadata.json");
        body.put("EventTime", "yesterday");
        Exchange exchange = webhook(SET, body);
        live.webhook.receive.Answered.after(messages, exchange);
        @SuppressWarnings("unchecked")
        Map<String, Object> event = (Map<String, Object>) exchange.getMessage().getBody(List.class).get(0);
        assertThat(event).doesNotContainKey("time");
    }
}
