package live.webhook.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The published contract in src/main/contract/: the message and CloudEvent schemas accept what the
 * README says the service gives and refuse what it never gives.
 */
class ContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SET_COMMAND = "Live.CallbackAfterSetMetadata";

    /** README, "Try it" and "The message": the first key of the set-metadata sample. */
    static final String SET = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":\"value1\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";
    static final String SET_KEY2 = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key2\",\"Value\":\"value2\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";
    /** README: a deleted key gives the same object with "Value":null. */
    static final String DEL = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterDelMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":null,\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";

    // ---- the message ----

    @Test
    void readmeSampleMessagesAreValid() {
        MessageContract.assertValidMessage(SET);
        MessageContract.assertValidMessage(SET_KEY2);
        MessageContract.assertValidMessage(DEL);
    }

    @Test
    void operatorAccountAndEventTimeAreCarriedAsSent() {
        MessageContract.assertValidMessage(with(SET, m -> {
            m.putNull("Operator_Account");
            m.putNull("EventTime");
        }));
        MessageContract.assertValidMessage(with(DEL, m -> {
            m.put("Operator_Account", 42);
            m.put("EventTime", "1739965885831");
        }));
        MessageContract.assertValidMessage(with(SET, m -> m.put("Value", "")));
    }

    @Test
    void messageWithoutKeyIsRefused() {
        assertRefusedMessage(with(SET, m -> m.remove("Key")), "required property 'Key' not found");
        assertRefusedMessage(with(SET, m -> m.put("Key", "")), "$.Key");
        assertRefusedMessage(with(DEL, m -> m.remove("Value")), "required property 'Value' not found");
    }

    @Test
    void deleteWithValueIsRefused() {
        assertRefusedMessage(with(DEL, m -> m.put("Value", "value1")), "$.Value: string found, null expected");
        assertRefusedMessage(with(SET, m -> m.putNull("Value")), "$.Value: null found, string expected");
    }

    @Test
    void messageWithExtraFieldIsRefused() {
        assertRefusedMessage(with(SET, m -> m.put("Metadata", "x")), "property 'Metadata' is not defined in the schema");
    }

    @Test
    void messageOfAnotherCommandOrAppIsRefused() {
        assertRefusedMessage(with(SET, m -> m.put("CallbackCommand", "Live.CallbackAfterCreateRoom")), "$.CallbackCommand");
        assertRefusedMessage(with(SET, m -> m.put("SdkAppid", "14000x")), "$.SdkAppid");
        assertRefusedMessage(with(SET, m -> m.put("SdkAppid", 1400000001)), "$.SdkAppid");
        assertRefusedMessage("[" + SET + "]", "$: array found, object expected");
        assertRefusedMessage("{\"Key\":\"a\",\"Key\":\"b\"}", "not one JSON value");
    }

    // ---- the CloudEvent ----

    @Test
    void sampleMessagesAsCloudEventsAreValid() {
        MessageContract.assertValidCloudEvent(cloudEvent(SET).toString());
        MessageContract.assertValidCloudEvent(cloudEvent(DEL).toString());
        MessageContract.assertValidCloudEvent(with(cloudEvent(SET).toString(), e -> {
            e.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            e.put("tracestate", "congo=t61rcWkgMzE");
        }));
        // time is absent when EventTime is not a number
        MessageContract.assertValidCloudEvent(with(cloudEvent(with(SET, m -> m.putNull("EventTime"))).toString(), e -> e.remove("time")));
    }

    @Test
    void cloudEventIdMustBe64LowercaseHex() {
        String event = cloudEvent(SET).toString();
        assertRefusedCloudEvent(with(event, e -> e.put("id", e.get("id").asText().toUpperCase())), "$.id: does not match the regex pattern");
        assertRefusedCloudEvent(with(event, e -> e.put("id", e.get("id").asText().substring(1))), "$.id: does not match the regex pattern");
        assertRefusedCloudEvent(with(event, e -> e.put("id", "ce-1")), "$.id: does not match the regex pattern");
        assertRefusedCloudEvent(with(event, e -> e.remove("id")), "required property 'id' not found");
    }

    @Test
    void cloudEventTypeMustMatchTheCommand() {
        String set = cloudEvent(SET).toString();
        assertRefusedCloudEvent(with(set, e -> e.put("type", "com.tencentcloud.live.metadata.changed")), "$.type: does not have a value in the enumeration");
        assertRefusedCloudEvent(with(set, e -> e.put("type", "com.tencentcloud.live.metadata.deleted")), "$.data.CallbackCommand: must be the constant value 'Live.CallbackAfterDelMetadata'");
        assertRefusedCloudEvent(with(cloudEvent(DEL).toString(), e -> e.put("type", "com.tencentcloud.live.metadata.set")),
                "$.data.CallbackCommand: must be the constant value 'Live.CallbackAfterSetMetadata'");
    }

    @Test
    void cloudEventDataIsCheckedByTheMessageSchemaFile() {
        String event = cloudEvent(SET).toString();
        assertRefusedCloudEvent(with(event, e -> ((ObjectNode) e.get("data")).remove("Key")), "$.data: required property 'Key' not found");
        assertRefusedCloudEvent(with(event, e -> ((ObjectNode) e.get("data")).put("Extra", 1)), "$.data: property 'Extra' is not defined");
        assertRefusedCloudEvent(with(event, e -> e.remove("data")), "required property 'data' not found");
    }

    @Test
    void cloudEventAttributesAreChecked() {
        String event = cloudEvent(SET).toString();
        assertRefusedCloudEvent(with(event, e -> e.put("specversion", "0.3")), "$.specversion");
        assertRefusedCloudEvent(with(event, e -> e.put("source", "/tencent/live/")), "$.source: does not match the regex pattern");
        assertRefusedCloudEvent(with(event, e -> e.put("datacontenttype", "text/plain")), "$.datacontenttype");
        assertRefusedCloudEvent(with(event, e -> e.put("time", "1739965885831")), "$.time: does not match the date-time pattern");
        assertRefusedCloudEvent(with(event, e -> e.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")), "$.traceparent: does not match the regex pattern");
        assertRefusedCloudEvent(with(event, e -> e.remove("roomid")), "required property 'roomid' not found");
        assertRefusedCloudEvent(with(event, e -> e.put("subject", "key1")), "property 'subject' is not defined in the schema");
    }

    @Test
    void schemaExamplesFollowTheContract() throws Exception {
        JsonNode message = JSON.readTree(MessageContract.MESSAGE_SCHEMA.toFile());
        assertThat(message.get("examples")).hasSize(2);
        for (JsonNode example : message.get("examples")) {
            MessageContract.assertValidMessage(example.toString());
        }
        JsonNode event = JSON.readTree(MessageContract.CLOUDEVENT_SCHEMA.toFile());
        assertThat(event.get("examples")).hasSize(2);
        for (JsonNode example : event.get("examples")) {
            MessageContract.assertValidCloudEvent(example.toString());
            ObjectNode expected = cloudEvent(example.get("data").toString());
            for (String attribute : List.of("id", "source", "type", "time", "sdkappid", "roomid")) {
                assertThat(example.get(attribute)).as(attribute).isEqualTo(expected.get(attribute));
            }
        }
    }

    // ---- helpers ----
    // ---- helpers ----

    /** The CloudEvent of a message, built by the rules the contract states. */
    static ObjectNode cloudEvent(String message) {
        try {
            ObjectNode data = (ObjectNode) JSON.readTree(message);
            ObjectNode event = JSON.createObjectNode();
            event.put("specversion", "1.0");
            event.put("id", eventId(data));
            event.put("source", "/tencent/live/" + data.get("SdkAppid").asText());
            event.put("type", SET_COMMAND.equals(data.get("CallbackCommand").asText())
                    ? "com.tencentcloud.live.metadata.set" : "com.tencentcloud.live.metadata.deleted");
            event.put("datacontenttype", "application/json");
            if (data.path("EventTime").isNumber()) {
                event.put("time", Instant.ofEpochMilli(data.get("EventTime").asLong()).toString());
            }
            event.put("sdkappid", data.get("SdkAppid").asText());
            event.put("roomid", data.get("RoomId").asText());
            event.set("data", data);
            return event;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lowercase hex SHA-256 of the compact JSON array [SdkAppid, CallbackCommand, RoomId, Key, Value, Operator_Account, EventTime]. */
    static String eventId(JsonNode message) throws Exception {
        var fields = JSON.createArrayNode();
        for (String name : List.of("SdkAppid", "CallbackCommand", "RoomId", "Key", "Value", "Operator_Account", "EventTime")) {
            fields.add(message.get(name));
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(fields));
        return HexFormat.of().formatHex(digest);
    }

    static String with(String json, java.util.function.Consumer<ObjectNode> change) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(json);
            change.accept(node);
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertRefusedMessage(String json, String violation) {
        assertThatThrownBy(() -> MessageContract.assertValidMessage(json))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("room-metadata-message.schema.json")
                .hasMessageContaining(violation);
    }

    static void assertRefusedCloudEvent(String json, String violation) {
        assertThatThrownBy(() -> MessageContract.assertValidCloudEvent(json))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("room-metadata-cloudevent.schema.json")
                .hasMessageContaining(violation);
    }
}
