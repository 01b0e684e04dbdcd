package live.webhook.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import live.webhook.receive.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.apicurio.datamodels.Library;
import io.apicurio.datamodels.TraverserDirection;
import io.apicurio.datamodels.models.Document;
import io.apicurio.datamodels.models.MappedNode;
import io.apicurio.datamodels.models.Node;
import io.apicurio.datamodels.models.Schema;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30Binding;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30Channels;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30Document;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30Message;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30MultiFormatSchema;
import io.apicurio.datamodels.models.asyncapi.v30.AsyncApi30Schema;
import io.apicurio.datamodels.models.visitors.AllNodeVisitor;
import io.apicurio.datamodels.refs.ReferenceUtil;
import io.apicurio.datamodels.validation.ValidationProblem;
import org.junit.jupiter.api.Test;

/**
 * The published contract in src/main/contract/: the message and CloudEvent schemas accept what the
 * README says the service gives and refuse what it never gives, and the AsyncAPI document is a valid
 * AsyncAPI 3.0 document (read and validated by Apicurio's data models) whose Kafka message is the
 * very message schema file, with every record header.
 */
class ContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new YAMLMapper();
    static final String SET_COMMAND = "Live.CallbackAfterSetMetadata";

    /** README, "Try it" and "The message": the first key of the set-metadata sample. */
    static final String SET = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":\"value1\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";
    static final String SET_KEY2 = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterSetMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key2\",\"Value\":\"value2\",\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";
    /** README: a deleted key gives the same object with "Value":null. */
    static final String DEL = "{\"SdkAppid\":\"1400000001\",\"CallbackCommand\":\"Live.CallbackAfterDelMetadata\",\"RoomId\":\"live-room1111\",\"Key\":\"key1\",\"Value\":null,\"Operator_Account\":\"brennanli\",\"EventTime\":1739965885831}";

    /** The record headers asyncapi.yaml must list: the message's own, CloudEvents binary mode, W3C trace context. */
    static final Set<String> RECORD_HEADERS = Set.of("CallbackCommand", "SdkAppid", "RoomId", "Key", "EventTime",
            "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type", "ce_sdkappid", "ce_roomid",
            "traceparent", "tracestate");

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

    // ---- the AsyncAPI document ----

    @Test
    void asyncApiDocumentIsValidAsyncApi3() {
        Document document = asyncApi();
        assertThat(document).isInstanceOf(AsyncApi30Document.class);
        assertThat(((AsyncApi30Document) document).getAsyncapi()).isEqualTo("3.0.0");
        assertThat(problems(document)).isEmpty();
        assertThat(unknownFields(document)).isEmpty();
    }

    @Test
    void asyncApiValidationFindsMistakes() {
        ObjectNode tree = asyncApiTree();
        ((ObjectNode) tree.at("/operations/sendRoomMetadata/channel")).put("$ref", "#/channels/room-metadata");
        ((ObjectNode) tree.at("/components/messages/answerOk")).put("contentType", "json");
        assertThat(problems(Library.readDocument(tree)))
                .anySatisfy(p -> assertThat(p).contains("/operations[sendRoomMetadata] channel"))
                .anySatisfy(p -> assertThat(p).contains("/components/messages[answerOk] contentType"));

        ObjectNode misspelt = asyncApiTree();
        ((ObjectNode) misspelt.at("/components/messages/roomMetadataSet")).set("header", misspelt.at("/components/messages/roomMetadataSet/headers"));
        ((ObjectNode) misspelt.at("/components/messages/answerOk/bindings/http")).put("status", 200);
        assertThat(unknownFields(Library.readDocument(misspelt)))
                .anySatisfy(f -> assertThat(f).endsWith("[roomMetadataSet] header"))
                .anySatisfy(f -> assertThat(f).endsWith("http status"));
    }

    @Test
    void kafkaMessagePayloadIsTheMessageSchemaFile() throws Exception {
        AsyncApi30Document document = (AsyncApi30Document) asyncApi();
        AsyncApi30Message set = channelMessage(document, "roomMetadata", "roomMetadataSet");
        assertThat(set.getPayload().isMultiFormatSchema()).isTrue();
        AsyncApi30MultiFormatSchema payload = (AsyncApi30MultiFormatSchema) set.getPayload();
        assertThat(payload.getSchemaFormat()).startsWith("application/schema+json;");
        String ref = ((AsyncApi30Schema) payload.getSchema()).get$ref();
        Path file = MessageContract.ASYNCAPI.resolveSibling(ref).normalize();
        assertThat(file).isEqualTo(MessageContract.MESSAGE_SCHEMA);
        assertThat(Files.isSameFile(file, MessageContract.MESSAGE_SCHEMA)).isTrue();

        AsyncApi30Message deleted = channelMessage(document, "roomMetadata", "roomMetadataDeleted");
        assertThat(((AsyncApi30Schema) deleted.getPayload()).getType()).isEqualTo("null");

        assertThat(((AsyncApi30Channels) document.getChannels()).getItem("roomMetadata").getAddress()).isEqualTo("tencent.live.room-metadata");
        assertThat(document.getOperations().getItem("sendRoomMetadata").getAction()).isEqualTo("send");
    }

    @Test
    void kafkaHeadersListEveryHeader() {
        AsyncApi30Document document = (AsyncApi30Document) asyncApi();
        for (String name : List.of("roomMetadataSet", "roomMetadataDeleted")) {
            Schema headers = resolve((Schema) channelMessage(document, "roomMetadata", name).getHeaders());
            assertThat(headers.getProperties().keySet()).as(name).containsExactlyInAnyOrderElementsOf(RECORD_HEADERS);
        }
    }

    @Test
    void asyncApiExamplesFollowTheContract() throws Exception {
        ObjectNode tree = asyncApiTree();
        JsonNode setExample = tree.at("/components/messages/roomMetadataSet/examples/0");
        MessageContract.assertValidMessage(setExample.get("payload").toString());
        assertHeadersDescribe(setExample.get("headers"), setExample.get("payload"));
        assertThat(setExample.at("/headers/content-type").asText()).isEqualTo("application/json");

        JsonNode delExample = tree.at("/components/messages/roomMetadataDeleted/examples/0");
        assertThat(delExample.path("payload").isMissingNode()).as("a tombstone has no payload").isTrue();
        ObjectNode deletedMessage = (ObjectNode) JSON.readTree(DEL);
        assertHeadersDescribe(delExample.get("headers"), deletedMessage);
        assertThat(delExample.get("headers").has("content-type")).isFalse();

        // The webhook bodies are the ones the service is tested with.
        Path samples = Path.of("src/test/resources/samples");
        assertThat(tree.at("/components/messages/setMetadataWebhook/examples/0/payload"))
                .isEqualTo(JSON.readTree(samples.resolve("set-metadata.json").toFile()));
        assertThat(tree.at("/components/messages/delMetadataWebhook/examples/0/payload"))
                .isEqualTo(JSON.readTree(samples.resolve("del-metadata.json").toFile()));
    }

    @Test
    void webhookAnswersCoverEveryErrorCodeOfTheRoutes() throws Exception {
        // Every answer but OK is one of live.webhook.receive.ErrorCode, which the checks throw and the
        // routes answer.
        Set<Integer> routeCodes = new TreeSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            routeCodes.add(code.code());
        }
        assertThat(routeCodes).contains(4001, 4006, 4013, 5000, 5030);

        ObjectNode tree = asyncApiTree();
        Set<Integer> answered = new TreeSet<>();
        for (String name : iterable(tree.at("/channels/webhook/messages").fieldNames())) {
            JsonNode message = tree.at("/components/messages/" + name);
            int status = message.at("/bindings/http/statusCode").asInt();
            if (name.equals("answerOk")) {
                assertThat(status).isEqualTo(200);
                assertThat(message.at("/examples/0/payload")).isEqualTo(JSON.readTree("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}"));
            } else if (name.startsWith("answer")) {
                JsonNode errorCode = message.at("/payload/allOf/1/properties/ErrorCode");
                for (JsonNode c : errorCode.has("const") ? List.of(errorCode.get("const")) : iterable(errorCode.get("enum").elements())) {
                    assertThat(c.asInt() / 10).as(name + " " + c).isEqualTo(status);
                    answered.add(c.asInt());
                }
            }
        }
        assertThat(answered).isEqualTo(routeCodes);
        Set<Integer> failCodes = new TreeSet<>();
        tree.at("/components/schemas/AnswerFail/properties/ErrorCode/enum").forEach(c -> failCodes.add(c.asInt()));
        assertThat(failCodes).isEqualTo(routeCodes);

        assertThat(iterable(tree.at("/operations/receiveMetadataWebhook/bindings/http/query/properties").fieldNames()))
                .containsExactlyInAnyOrder("SdkAppid", "CallbackCommand", "contenttype", "ClientIP", "OptPlatform", "Sign", "RequestTime");
        assertThat(tree.at("/operations/receiveMetadataWebhook/bindings/http/method").asText()).isEqualTo("POST");
        assertThat(tree.at("/channels/webhook/address").asText()).isEqualTo("/callback");
    }

    /** The README's table of ErrorCodes is live.webhook.receive.ErrorCode: each code, its HTTP status, its ErrorInfo. */
    @Test
    void theReadmesTableOfErrorCodesIsTheErrorCodeType() throws Exception {
        Map<Integer, String> rows = new java.util.TreeMap<>();
        boolean table = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("| HTTP | ErrorCode | ErrorInfo | When |")) {
                table = true;
            } else if (table && line.startsWith("| ") && !line.startsWith("| ---")) {
                String[] cells = line.split("\\|");
                int code = Integer.parseInt(cells[2].strip());
                assertThat(Integer.parseInt(cells[1].strip())).as("HTTP status of %d", code).isEqualTo(code / 10);
                assertThat(rows.put(code, cells[3].strip().replace("65536", "%d"))).as("one row per ErrorCode").isNull();
            } else if (table && !line.startsWith("|")) {
                break;
            }
        }
        Map<Integer, String> codes = new java.util.TreeMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.merge(code.code(), code.info(), (a, b) -> a + " / " + b);
        }
        assertThat(rows).isEqualTo(codes);
    }

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

    /** Lowercase hex SHA-256 of the array [SdkAppid, CallbackCommand, RoomId, Key, Value, Operator_Account, EventTime] as RFC 8785 canonical JSON. */
    static String eventId(JsonNode message) throws Exception {
        var fields = JSON.createArrayNode();
        for (String name : List.of("SdkAppid", "CallbackCommand", "RoomId", "Key", "Value", "Operator_Account", "EventTime")) {
            fields.add(message.get(name));
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                new org.erdtman.jcs.JsonCanonicalizer(JSON.writeValueAsString(fields)).getEncodedUTF8());
        return HexFormat.of().formatHex(digest);
    }

    /** The headers of an example record say what its message says. */
    static void assertHeadersDescribe(JsonNode headers, JsonNode message) throws Exception {
        assertThat(headers.size()).isLessThanOrEqualTo(RECORD_HEADERS.size());
        headers.fieldNames().forEachRemaining(name -> assertThat(RECORD_HEADERS).contains(name));
        ObjectNode event = cloudEvent(message.toString());
        for (String name : List.of("CallbackCommand", "SdkAppid", "RoomId", "Key", "EventTime")) {
            assertThat(headers.get(name).asText()).as(name).isEqualTo(message.get(name).asText());
        }
        for (String attribute : List.of("specversion", "id", "source", "type", "time", "sdkappid", "roomid")) {
            assertThat(headers.get("ce_" + attribute).asText()).as("ce_" + attribute).isEqualTo(event.get(attribute).asText());
        }
    }

    static <T> List<T> iterable(Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
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

    static ObjectNode asyncApiTree() {
        try {
            return (ObjectNode) YAML.readTree(MessageContract.ASYNCAPI.toFile());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Document asyncApi() {
        return Library.readDocument(asyncApiTree());
    }

    static List<String> problems(Document document) {
        List<String> problems = new ArrayList<>();
        for (ValidationProblem p : Library.validate(document, null)) {
            problems.add(p.severity + " " + p.errorCode + " " + p.nodePath + " " + p.property + ": " + p.message);
        }
        return problems;
    }

    /** The message of a channel, its $ref to components followed. */
    static AsyncApi30Message channelMessage(AsyncApi30Document document, String channel, String message) {
        AsyncApi30Message m = ((AsyncApi30Channels) document.getChannels()).getItem(channel).getMessages().get(message);
        return m.get$ref() == null ? m : (AsyncApi30Message) ReferenceUtil.resolveRef(m.get$ref(), m);
    }

    static Schema resolve(Schema schema) {
        String ref = ((AsyncApi30Schema) schema).get$ref();
        return ref == null ? schema : (Schema) ReferenceUtil.resolveRef(ref, schema);
    }

    /**
     * Fields the AsyncAPI 3.0 model does not know (Apicurio keeps them aside rather than refusing them),
     * and fields of a binding that its binding version (http 0.3.0, kafka 0.5.0) does not define
     * (Apicurio keeps a binding as a map of free-form values).
     */
    static Set<String> unknownFields(Document document) {
        Map<String, Set<String>> bindingFields = new LinkedHashMap<>();
        bindingFields.put("http operation", Set.of("method", "query", "bindingVersion"));
        bindingFields.put("http message", Set.of("headers", "statusCode", "bindingVersion"));
        bindingFields.put("http channel", Set.of());
        bindingFields.put("http server", Set.of());
        bindingFields.put("kafka operation", Set.of("groupId", "clientId", "bindingVersion"));
        bindingFields.put("kafka message", Set.of("key", "schemaIdLocation", "schemaIdPayloadEncoding", "schemaLookupStrategy", "bindingVersion"));
        bindingFields.put("kafka channel", Set.of("topic", "partitions", "replicas", "topicConfiguration", "bindingVersion"));
        bindingFields.put("kafka server", Set.of("schemaRegistryUrl", "schemaRegistryVendor", "bindingVersion"));
        Set<String> unknown = new TreeSet<>();
        Library.visitTree(document, new AllNodeVisitor() {
            @Override
            protected void visitNode(Node node) {
                if (node instanceof AsyncApi30Binding) {
                    String of = node.parent().getClass().getSimpleName().replaceAll("AsyncApi30(\\w+)BindingsImpl", "$1").toLowerCase();
                    Set<String> known = bindingFields.getOrDefault(node.parentPropertyName() + " " + of, Set.of());
                    for (String field : ((MappedNode<?>) node).getItemNames()) {
                        if (!known.contains(field)) {
                            unknown.add(Library.createNodePath(node) + " " + field);
                        }
                    }
                } else {
                    for (String field : node.getExtraPropertyNames()) {
                        unknown.add(Library.createNodePath(node) + " " + field);
                    }
                }
            }
        }, TraverserDirection.down);
        return unknown;
    }
}
