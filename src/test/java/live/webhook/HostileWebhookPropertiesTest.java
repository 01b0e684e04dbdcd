package live.webhook;

import static live.webhook.HostileInputTest.assertHealthy;
import static live.webhook.HostileInputTest.assertWebhookAnswer;
import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SDKAPPID;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import live.webhook.support.RawHttp;
import live.webhook.support.RawHttp.Request;
import live.webhook.support.RoutedFiles;
import live.webhook.support.WebhookService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Valid webhooks, mutated: values of any JSON type put anywhere, fields removed and added, bytes
 * cut, replaced and inserted, query parameters dropped and changed. An independent reading of the
 * README's rules says what each mutant must get; the service must give exactly that, within 2 s,
 * as JSON, and route exactly the mutant's entries when it is valid and nothing otherwise.
 */
class HostileWebhookPropertiesTest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectMapper JSON = new ObjectMapper();
    /** How the service reads a body: a tree that refuses a field given twice and anything after the object. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    static final int MAX_BODY = 65536;

    static Path out;
    static WebhookService service;

    @BeforeContainer
    static void start() throws IOException {
        out = Files.createTempDirectory("webhook-properties");
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString());
    }

    @AfterContainer
    static void stop() throws IOException {
        service.close();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // --- Mutations ------------------------------------------------------------------------------

    sealed interface Op permits SetNode, RemoveNode, AddField, Truncate, ReplaceByte, InsertBytes, DuplicateField {
    }

    /** Replace the n-th node (depth first, the root excluded) by a value. */
    record SetNode(int n, JsonNode value) implements Op {
    }

    /** Remove the n-th node from its object or array. */
    record RemoveNode(int n) implements Op {
    }

    /** Add a field to the n-th object, or an element to the n-th array. */
    record AddField(int n, String name, JsonNode value) implements Op {
    }

    record Truncate(int at) implements Op {
    }

    record ReplaceByte(int at, byte value) implements Op {
    }

    record InsertBytes(int at, byte[] bytes) implements Op {
        @Override
        public String toString() {
            return "InsertBytes[at=" + at + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** Write the n-th top-level field a second time, first. */
    record DuplicateField(int n) implements Op {
    }

    enum QueryChange { NONE, NO_SDKAPPID, OTHER_SDKAPPID, NO_COMMAND, OTHER_ROUTED_COMMAND, UNROUTED_COMMAND, LOWER_CASE_NAMES }

    record Mutant(boolean del, List<Op> treeOps, List<Op> byteOps, QueryChange queryChange, boolean pretty) {
    }

    @Provide
    Arbitrary<Mutant> mutants() {
        Arbitrary<List<Op>> treeOps = treeOp().list().ofMaxSize(3);
        Arbitrary<List<Op>> byteOps = Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.just(List.<Op>of())),
                Tuple.of(3, byteOp().list().ofMinSize(1).ofMaxSize(2)));
        Arbitrary<QueryChange> query = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(QueryChange.NONE)),
                Tuple.of(3, Arbitraries.of(QueryChange.class)));
        return Combinators.combine(Arbitraries.of(false, true), treeOps, byteOps, query, Arbitraries.of(false, true))
                .as(Mutant::new);
    }

    Arbitrary<Op> treeOp() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, 999);
        return Arbitraries.oneOf(
                Combinators.combine(node, json(3)).as(SetNode::new),
                node.map(RemoveNode::new),
                Combinators.combine(node, names(), json(3)).as(AddField::new));
    }

    Arbitrary<Op> byteOp() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 9999);
        Arbitrary<Byte> interesting = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.bytes()),
                Tuple.of(3, Arbitraries.of((byte) 0, (byte) '"', (byte) '{', (byte) '}', (byte) '[', (byte) ']', (byte) ',',
                        (byte) ':', (byte) '\\', (byte) '\n', (byte) 0x80, (byte) 0xA9, (byte) 0xC0, (byte) 0xC1, (byte) 0xC3,
                        (byte) 0xE0, (byte) 0xED, (byte) 0xF4, (byte) 0xFF)));
        return Arbitraries.oneOf(
                at.map(Truncate::new),
                Combinators.combine(at, interesting).as(ReplaceByte::new),
                Combinators.combine(at, interesting.list().ofMinSize(1).ofMaxSize(4)).as((a, bytes) -> {
                    byte[] b = new byte[bytes.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = bytes.get(i);
                    }
                    return new InsertBytes(a, b);
                }),
                Arbitraries.integers().between(0, 9).map(DuplicateField::new));
    }

    Arbitrary<String> names() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("CallbackCommand", "RoomId", "Metadata", "Keys", "Key", "Value",
                        "Operator_Account", "EventTime", "SdkAppid", "roomid", "")),
                Tuple.of(1, Arbitraries.strings().alpha().ofMaxLength(8)));
    }

    Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("", " ", "key1", "value1", "live-room1111", SET, DEL, "\u0000", "v\u00e9\u5024",
                        "\uD83D\uDE00", "\r\n", "${body}", "{{tencent.sdkappid}}", "null", "1")),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(12)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0100', '\uD7FF').ofMaxLength(6)));
    }

    Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                text().map(NODES::textNode),
                Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) NODES.numberNode(l)),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                        .map(b -> (JsonNode) NODES.numberNode(b)),
                Arbitraries.doubles().map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.of((JsonNode) NODES.booleanNode(true), NODES.booleanNode(false), NODES.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = json(depth - 1).list().ofMaxSize(3).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(names(), json(depth - 1)).as(Map::entry).list().ofMaxSize(3).map(fields -> {
            ObjectNode o = NODES.objectNode();
            fields.forEach(f -> o.set(f.getKey(), f.getValue()));
            return o;
        });
        Arbitrary<JsonNode> entry = Combinators.combine(text(), text()).as((k, v) -> {
            ObjectNode o = NODES.objectNode();
            o.put("Key", k);
            o.put("Value", v);
            return o;
        });
        return Arbitraries.frequencyOf(Tuple.of(6, leaf), Tuple.of(1, array), Tuple.of(1, object), Tuple.of(1, entry));
    }

    // --- Applying mutations ---------------------------------------------------------------------

    /** A node and where it hangs: its parent and its field name or index. */
    record Place(JsonNode node, JsonNode parent, String field, int index) {
    }

    static List<Place> places(JsonNode root) {
        List<Place> places = new ArrayList<>();
        collect(root, places);
        return places;
    }

    static void collect(JsonNode node, List<Place> places) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                places.add(new Place(node.get(name), node, name, -1));
                collect(node.get(name), places);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                places.add(new Place(node.get(i), node, null, i));
                collect(node.get(i), places);
            }
        }
    }

    static void applyTreeOp(ObjectNode root, Op op) {
        List<Place> places = places(root);
        if (op instanceof SetNode set && !places.isEmpty()) {
            Place p = places.get(set.n() % places.size());
            if (p.parent() instanceof ObjectNode o) {
                o.set(p.field(), set.value().deepCopy());
            } else {
                ((ArrayNode) p.parent()).set(p.index(), set.value().deepCopy());
            }
        } else if (op instanceof RemoveNode remove && !places.isEmpty()) {
            Place p = places.get(remove.n() % places.size());
            if (p.parent() instanceof ObjectNode o) {
                o.remove(p.field());
            } else {
                ((ArrayNode) p.parent()).remove(p.index());
            }
        } else if (op instanceof AddField add) {
            List<JsonNode> containers = new ArrayList<>();
            containers.add(root);
            places.stream().map(Place::node).filter(JsonNode::isContainerNode).forEach(containers::add);
            JsonNode target = containers.get(add.n() % containers.size());
            if (target instanceof ObjectNode o) {
                o.set(add.name(), add.value().deepCopy());
            } else {
                ((ArrayNode) target).add(add.value().deepCopy());
            }
        }
    }

    static byte[] applyByteOp(byte[] body, Op op, ObjectNode tree) {
        if (op instanceof Truncate t) {
            return java.util.Arrays.copyOf(body, t.at() % (body.length + 1));
        }
        if (op instanceof ReplaceByte r && body.length > 0) {
            byte[] copy = body.clone();
            copy[r.at() % body.length] = r.value();
            return copy;
        }
        if (op instanceof InsertBytes in) {
            int at = in.at() % (body.length + 1);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(body, 0, at);
            b.writeBytes(in.bytes());
            b.write(body, at, body.length - at);
            return b.toByteArray();
        }
        if (op instanceof DuplicateField d && tree.size() > 0 && body.length > 0 && body[0] == '{') {
            List<String> names = new ArrayList<>();
            tree.fieldNames().forEachRemaining(names::add);
            String name = names.get(d.n() % names.size());
            String field = JSON.valueToTree(Map.of(name, tree.get(name))).toString();
            String text = field.substring(1, field.length() - 1) + ",";
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write('{');
            b.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            b.write(body, 1, body.length - 1);
            return b.toByteArray();
        }
        return body;
    }

    static String queryFor(String command, QueryChange change) {
        String sdk = "SdkAppid=" + SDKAPPID;
        String cmd = "CallbackCommand=" + command;
        return "?" + switch (change) {
            case NONE -> sdk + "&" + cmd;
            case NO_SDKAPPID -> cmd;
            case OTHER_SDKAPPID -> "SdkAppid=1400000002&" + cmd;
            case NO_COMMAND -> sdk;
            case OTHER_ROUTED_COMMAND -> sdk + "&CallbackCommand=" + (command.equals(SET) ? DEL : SET);
            case UNROUTED_COMMAND -> sdk + "&CallbackCommand=Live.CallbackAfterCreateRoom";
            case LOWER_CASE_NAMES -> "sdkappid=" + SDKAPPID + "&callbackcommand=" + command;
        } + "&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI";
    }

    // --- What the README says each mutant must get -----------------------------------------------

    /** ErrorCode 0 is OK; messages are the [Key, Value] pairs that must be routed, in order. */
    record Expected(int errorCode, String roomId, List<List<String>> messages) {
        static Expected fail(int code) {
            return new Expected(code, null, List.of());
        }
    }

    static Expected expected(QueryChange change, String bodyCommand, byte[] body) {
        String command = switch (change) {
            case NO_COMMAND -> null;
            case OTHER_ROUTED_COMMAND -> bodyCommand.equals(SET) ? DEL : SET;
            case UNROUTED_COMMAND -> "Live.CallbackAfterCreateRoom";
            default -> bodyCommand;
        };
        if (body.length > MAX_BODY) {
            return Expected.fail(4130);
        }
        if (change == QueryChange.NO_SDKAPPID || change == QueryChange.OTHER_SDKAPPID) {
            return Expected.fail(4030);
        }
        if (command == null) {
            return Expected.fail(4001);
        }
        if (!command.equals(SET) && !command.equals(DEL)) {
            return new Expected(0, null, List.of());
        }
        JsonNode tree;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            tree = STRICT.readTree(text);
        } catch (CharacterCodingException e) {
            return Expected.fail(4002);
        } catch (IOException e) {
            return Expected.fail(4002);
        }
        if (tree == null || !tree.isObject()) {
            return Expected.fail(4002);
        }
        if (!tree.path("CallbackCommand").isTextual() || !tree.get("CallbackCommand").asText().equals(command)) {
            return Expected.fail(4003);
        }
        if (!tree.path("RoomId").isTextual() || tree.get("RoomId").asText().isEmpty()) {
            return Expected.fail(4004);
        }
        List<List<String>> messages = new ArrayList<>();
        if (command.equals(SET)) {
            if (!tree.path("Metadata").isArray()) {
                return Expected.fail(4005);
            }
            for (JsonNode entry : tree.get("Metadata")) {
                if (!entry.isObject() || !entry.path("Key").isTextual() || entry.get("Key").asText().isEmpty()
                        || !entry.path("Value").isTextual()) {
                    return Expected.fail(4005);
                }
                messages.add(java.util.Arrays.asList(entry.get("Key").asText(), entry.get("Value").asText()));
            }
        } else {
            if (!tree.path("Keys").isArray()) {
                return Expected.fail(4006);
            }
            for (JsonNode key : tree.get("Keys")) {
                if (!key.isTextual() || key.asText().isEmpty()) {
                    return Expected.fail(4006);
                }
                messages.add(java.util.Arrays.asList(key.asText(), null));
            }
        }
        return new Expected(0, tree.get("RoomId").asText(), messages);
    }

    // --- The property -----------------------------------------------------------------------------

    @Property(tries = 250)
    void mutatedWebhooksGetExactlyWhatTheRulesSay(@ForAll("mutants") Mutant mutant) throws Exception {
        String command = mutant.del() ? DEL : SET;
        ObjectNode tree = (ObjectNode) JSON.readTree(sample(mutant.del() ? "del-metadata.json" : "set-metadata.json"));
        for (Op op : mutant.treeOps()) {
            applyTreeOp(tree, op);
        }
        byte[] body = (mutant.pretty() ? JSON.writerWithDefaultPrettyPrinter() : JSON.writer()).writeValueAsBytes(tree);
        for (Op op : mutant.byteOps()) {
            body = applyByteOp(body, op, tree);
        }
        Expected expected = expected(mutant.queryChange(), command, body);
        List<String> linesBefore = RoutedFiles.lines(out);

        RawHttp.Exchange exchange = RawHttp.send(service.port(),
                Request.to("/callback" + queryFor(command, mutant.queryChange())).json().body(body), Duration.ofSeconds(2));

        assertWebhookAnswer(exchange, false, expected.errorCode());
        List<String> lines = RoutedFiles.lines(out);
        List<List<String>> routed = new ArrayList<>();
        for (String line : lines.subList(linesBefore.size(), lines.size())) {
            Map<?, ?> message = live.webhook.support.Events.data(line);
            assertThat(message.get("RoomId")).isEqualTo(expected.roomId());
            assertThat(message.get("CallbackCommand")).isEqualTo(command);
            routed.add(java.util.Arrays.asList((String) message.get("Key"), (String) message.get("Value")));
        }
        assertThat(routed).as("routed [Key, Value] for body %s", new String(body, StandardCharsets.UTF_8))
                .isEqualTo(expected.messages());
        assertHealthy(service);
    }
}
