package live.webhook.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Benchmark baseline (b): the service's job written by hand on Vert.x, Jackson and the Kafka
 * client, to show what the same checks and the same sink cost without Camel. {@code bench/run}
 * compares the service's log and Kafka sinks with this receiver's.
 *
 * <p>It does what the service does for a webhook, in the same order (see the README's Security
 * section): POST only (405), no form or multipart body (415), body at most {@code max.body.bytes}
 * (413), exactly one accepted {@code SdkAppid} (403), {@code Sign}/{@code RequestTime} when a token
 * is set (401), {@code CallbackCommand} in the query (400; a command that is not routed is answered
 * OK), then the body: one JSON object without a field given twice (4002), the same
 * {@code CallbackCommand} (4003), a non-empty string {@code RoomId} (4004), {@code Metadata} of
 * {@code Key}/{@code Value} strings (4005) or {@code Keys} of strings (4006). Each key becomes the
 * message {@code {"SdkAppid","CallbackCommand","RoomId","Key","Value","Operator_Account","EventTime"}}.
 *
 * <ul>
 *   <li>{@code SINK=log}: one line per message on the logger {@code tencent.live.room-metadata}
 *       (SLF4J/logback, console), the message as a CloudEvent, like the service's log sink.</li>
 *   <li>{@code SINK=kafka}: one record per message, key {@code [RoomId,Key]} as a JSON array, the
 *       message as value (null for a delete), headers {@code CallbackCommand}, {@code SdkAppid},
 *       {@code RoomId}, {@code Key}, {@code EventTime}, the CloudEvents {@code ce_*} and
 *       {@code content-type}, and {@code traceparent}/{@code tracestate}, as UTF-8 text; {@code acks=all},
 *       idempotence and the service's producer bounds. OK is answered once every record of the
 *       webhook is acknowledged, 500 if one is not (there is no spool here).</li>
 * </ul>
 *
 * <p>Settings are the service's: its {@code application.properties} (a file, or a jar holding
 * one, given as the first argument; default {@code application.properties}), each key overridden
 * by the environment variable the service would read ({@code kafka.linger.ms} by
 * {@code KAFKA_LINGER_MS}, ...) or by {@code -Dkey=value}. Listens on 127.0.0.1:{@code HTTP_PORT}
 * with one event loop per core. Never blocks an event loop except for the log sink's console write.
 */
public final class BaselineReceiver extends AbstractVerticle {

    private static final Logger MESSAGES = LoggerFactory.getLogger("tencent.live.room-metadata");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String SET = "Live.CallbackAfterSetMetadata";
    private static final String DEL = "Live.CallbackAfterDelMetadata";

    private final Settings settings;
    private final Producer<byte[], byte[]> producer;

    private BaselineReceiver(Settings settings, Producer<byte[], byte[]> producer) {
        this.settings = settings;
        this.producer = producer;
    }

    public static void main(String[] args) throws IOException {
        Settings settings = Settings.load(Path.of(args.length > 0 ? args[0] : "application.properties"));
        Producer<byte[], byte[]> producer = settings.sink.equals("kafka") ? new KafkaProducer<>(settings.producerConfig()) : null;
        if (producer != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(producer::close, "close-producer"));
        } else if (!settings.sink.equals("log")) {
            throw new IllegalArgumentException("SINK must be log or kafka, not " + settings.sink);
        }
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(() -> new BaselineReceiver(settings, producer),
                        new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .onSuccess(id -> System.out.println("baseline-receiver (" + settings.sink + ") listening on 127.0.0.1:" + settings.port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .requestHandler(this::handle)
                .listen(settings.port)
                .<Void>mapEmpty()
                .onComplete(started);
    }

    private void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            req.response().putHeader("Allow", "POST");
            fail(req, 4050, "Method not allowed, use POST");
            return;
        }
        String contentType = req.getHeader("Content-Type");
        if (contentType != null) {
            String type = contentType.trim().toLowerCase(Locale.ROOT);
            if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
                fail(req, 4150, "Unsupported Content-Type, send application/json");
                return;
            }
        }
        String length = req.getHeader("Content-Length");
        if (length != null && length.length() > 0 && tooLong(length)) {
            fail(req, 4130, "Body is larger than " + settings.maxBodyBytes + " bytes");
            return;
        }
        List<String> appids = query(req, "SdkAppid");
        if (appids.size() != 1 || !settings.appids.contains(appids.get(0))) {
            fail(req, 4030, "SdkAppid is not accepted");
            return;
        }
        if (!settings.token.isEmpty() && !signed(req)) {
            return;
        }
        List<String> commands = query(req, "CallbackCommand");
        if (commands.isEmpty() || commands.get(0).isEmpty()) {
            fail(req, 4001, "CallbackCommand query parameter is required");
            return;
        }
        String command = commands.get(0);
        if (!settings.commands.contains(command)) {
            ok(req);
            return;
        }
        req.body().onComplete(body -> {
            if (body.failed()) {
                fail(req, 5000, "Webhook could not be processed");
            } else if (body.result().length() > settings.maxBodyBytes) {
                fail(req, 4130, "Body is larger than " + settings.maxBodyBytes + " bytes");
            } else {
                route(req, appids.get(0), command, body.result());
            }
        });
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > settings.maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean signed(HttpServerRequest req) {
        List<String> sign = query(req, "Sign");
        List<String> time = query(req, "RequestTime");
        if (sign.size() != 1 || time.size() != 1 || sign.get(0).isEmpty() || time.get(0).isEmpty()) {
            fail(req, 4011, "Sign and RequestTime are required");
            return false;
        }
        long requestTime;
        try {
            requestTime = Long.parseLong(time.get(0));
        } catch (NumberFormatException e) {
            fail(req, 4012, "RequestTime must be Unix time in seconds");
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - requestTime) > settings.maxSkewSeconds) {
            fail(req, 4012, "RequestTime is too far from now");
            return false;
        }
        String expected = HexFormat.of().formatHex(sha256(settings.token + time.get(0)));
        // Digests of both sides, so the comparison's time says nothing about a forged Sign.
        if (!MessageDigest.isEqual(sha256(sign.get(0)), sha256(expected))) {
            fail(req, 4013, "Sign does not match");
            return false;
        }
        return true;
    }

    private void route(HttpServerRequest req, String appid, String command, Buffer body) {
        JsonNode root;
        try {
            root = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            fail(req, 4002, "Body is not a valid JSON object");
            return;
        }
        JsonNode bodyCommand = root.get("CallbackCommand");
        if (bodyCommand == null || !bodyCommand.isTextual() || !bodyCommand.textValue().equals(command)) {
            fail(req, 4003, "CallbackCommand in the body differs from the query");
            return;
        }
        JsonNode roomId = root.get("RoomId");
        if (roomId == null || !roomId.isTextual() || roomId.textValue().isEmpty()) {
            fail(req, 4004, "RoomId must be a non-empty string");
            return;
        }
        List<Message> messages = messages(appid, command, roomId.textValue(), root, traceParent(req));
        if (messages == null) {
            if (command.equals(SET)) {
                fail(req, 4005, "Metadata must be an array of Key and Value strings");
            } else {
                fail(req, 4006, "Keys must be an array of non-empty strings");
            }
            return;
        }
        try {
            if (producer == null) {
                for (Message m : messages) {
                    MESSAGES.info(new String(m.event, StandardCharsets.UTF_8));
                }
                ok(req);
            } else {
                send(req, appid, command, messages);
            }
        } catch (RuntimeException e) {
            fail(req, 5000, "Webhook could not be processed");
        }
    }

    /** The messages of a webhook, or null when its Metadata or Keys is not as it must be. */
    private static List<Message> messages(String appid, String command, String roomId, JsonNode root, String[] trace) {
        JsonNode entries = root.get(command.equals(SET) ? "Metadata" : "Keys");
        if (entries == null || !entries.isArray()) {
            return null;
        }
        List<Message> messages = new ArrayList<>(entries.size());
        for (JsonNode entry : entries) {
            String key;
            JsonNode value;
            if (command.equals(SET)) {
                JsonNode k = entry.get("Key");
                value = entry.get("Value");
                if (!entry.isObject() || k == null || !k.isTextual() || k.textValue().isEmpty() || value == null || !value.isTextual()) {
                    return null;
                }
                key = k.textValue();
            } else {
                if (!entry.isTextual() || entry.textValue().isEmpty()) {
                    return null;
                }
                key = entry.textValue();
                value = NullNode.getInstance();
            }
            ObjectNode message = JSON.createObjectNode();
            message.put("SdkAppid", appid);
            message.put("CallbackCommand", command);
            message.put("RoomId", roomId);
            message.put("Key", key);
            message.set("Value", value);
            message.set("Operator_Account", orNull(root.get("Operator_Account")));
            JsonNode eventTime = orNull(root.get("EventTime"));
            message.set("EventTime", eventTime);
            try {
                // The CloudEvent of the message, as the service makes it (README, The message).
                byte[] said = JSON.writeValueAsBytes(java.util.Arrays.asList(appid, command, roomId, key,
                        value.isNull() ? null : value.textValue(), message.get("Operator_Account"), eventTime));
                String id = HexFormat.of().formatHex(sha256(said));
                String time = eventTime.isIntegralNumber() ? RFC_3339.format(Instant.ofEpochMilli(eventTime.longValue())) : null;
                ObjectNode event = JSON.createObjectNode();
                event.put("specversion", "1.0");
                event.put("id", id);
                event.put("source", "/tencent/live/" + appid);
                event.put("type", command.equals(SET) ? "com.tencentcloud.live.metadata.set" : "com.tencentcloud.live.metadata.deleted");
                if (time != null) {
                    event.put("time", time);
                }
                event.put("datacontenttype", "application/json");
                event.put("sdkappid", appid);
                event.put("roomid", roomId);
                event.put("traceparent", trace[0]);
                if (trace[1] != null) {
                    event.put("tracestate", trace[1]);
                }
                event.set("data", message);
                messages.add(new Message(roomId, key, JSON.writeValueAsBytes(message), command.equals(DEL),
                        JSON.writeValueAsBytes(List.of(roomId, key)), eventTime.isNull() ? "" : eventTime.asText(),
                        id, time, trace[0], trace[1], JSON.writeValueAsBytes(event)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return messages;
    }

    private void send(HttpServerRequest req, String appid, String command, List<Message> messages) {
        if (messages.isEmpty()) {
            ok(req);
            return;
        }
        Context context = vertx.getOrCreateContext();
        AtomicInteger pending = new AtomicInteger(messages.size());
        AtomicBoolean answered = new AtomicBoolean();
        for (Message m : messages) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader("CallbackCommand", utf8(command)));
            headers.add(new RecordHeader("SdkAppid", utf8(appid)));
            headers.add(new RecordHeader("RoomId", utf8(m.roomId)));
            headers.add(new RecordHeader("Key", utf8(m.key)));
            headers.add(new RecordHeader("EventTime", utf8(m.eventTime)));
            headers.add(new RecordHeader("ce_specversion", utf8("1.0")));
            headers.add(new RecordHeader("ce_id", utf8(m.ceId)));
            headers.add(new RecordHeader("ce_source", utf8("/tencent/live/" + appid)));
            headers.add(new RecordHeader("ce_type", utf8(m.tombstone ? "com.tencentcloud.live.metadata.deleted" : "com.tencentcloud.live.metadata.set")));
            if (m.ceTime != null) {
                headers.add(new RecordHeader("ce_time", utf8(m.ceTime)));
            }
            headers.add(new RecordHeader("ce_sdkappid", utf8(appid)));
            headers.add(new RecordHeader("ce_roomid", utf8(m.roomId)));
            if (!m.tombstone) {
                headers.add(new RecordHeader("content-type", utf8("application/json")));
            }
            headers.add(new RecordHeader("traceparent", utf8(m.traceParent)));
            if (m.traceState != null) {
                headers.add(new RecordHeader("tracestate", utf8(m.traceState)));
            }
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(settings.topic, null, m.recordKey, m.tombstone ? null : m.json, headers);
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        if (answered.compareAndSet(false, true)) {
                            context.runOnContext(v -> fail(req, 5000, "Webhook could not be processed"));
                        }
                    } else if (pending.decrementAndGet() == 0 && answered.compareAndSet(false, true)) {
                        context.runOnContext(v -> ok(req));
                    }
                });
            } catch (RuntimeException e) {
                if (answered.compareAndSet(false, true)) {
                    fail(req, 5000, "Webhook could not be processed");
                }
                return;
            }
        }
    }

    private static List<String> query(HttpServerRequest req, String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> e : req.params()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    private static void ok(HttpServerRequest req) {
        req.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(BaselineOkServer.OK));
    }

    private static void fail(HttpServerRequest req, int errorCode, String info) {
        String body = "{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"" + info + "\",\"ErrorCode\":" + errorCode + "}";
        req.response().setStatusCode(errorCode / 10).putHeader("Content-Type", "application/json").end(body);
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NullNode.getInstance() : node;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) {
        return sha256(utf8(s));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One message: its JSON, and what its Kafka record carries besides (key, tombstone, headers). */
    private record Message(String roomId, String key, byte[] json, boolean tombstone, byte[] recordKey, String eventTime,
                           String ceId, String ceTime, String traceParent, String traceState, byte[] event) {
    }

    /** The request's W3C traceparent and tracestate, carried on; or a new trace. */
    private static String[] traceParent(HttpServerRequest req) {
        String parent = req.getHeader("traceparent");
        if (parent != null && TRACE_PARENT.matcher(parent).matches()) {
            return new String[] {parent, req.getHeader("tracestate")};
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return new String[] {String.format("00-%016x%016x-%016x-01", random.nextLong(), random.nextLong(1L, Long.MAX_VALUE),
                random.nextLong(1L, Long.MAX_VALUE)), null};
    }

    private static final java.util.regex.Pattern TRACE_PARENT =
            java.util.regex.Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final java.time.format.DateTimeFormatter RFC_3339 =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** The service's settings that matter here: application.properties, overridden as the service overrides them. */
    record Settings(int port, String sink, Set<String> appids, Set<String> commands, String token, long maxSkewSeconds,
                    int maxBodyBytes, String brokers, String topic, Map<String, Object> producer) {

        static Settings load(Path source) throws IOException {
            Properties file = new Properties();
            if (source.toString().endsWith(".jar")) {
                try (ZipFile jar = new ZipFile(source.toFile())) {
                    var entry = jar.getEntry("application.properties");
                    if (entry == null) {
                        throw new IOException("no application.properties in " + source);
                    }
                    try (InputStream in = jar.getInputStream(entry)) {
                        file.load(in);
                    }
                }
            } else {
                try (InputStream in = Files.newInputStream(source)) {
                    file.load(in);
                }
            }
            Map<String, Object> producer = new LinkedHashMap<>();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, get(file, "kafka.brokers"));
            producer.put(ProducerConfig.CLIENT_ID_CONFIG, get(file, "kafka.client.id") + "-baseline");
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer.put(ProducerConfig.LINGER_MS_CONFIG, get(file, "kafka.linger.ms"));
            producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, get(file, "kafka.max.block.ms"));
            producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, get(file, "kafka.request.timeout.ms"));
            producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, get(file, "kafka.delivery.timeout.ms"));
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            return new Settings(
                    Integer.parseInt(get(file, "http.port")),
                    get(file, "sink").toLowerCase(Locale.ROOT),
                    list(get(file, "tencent.sdkappid")),
                    list(get(file, "tencent.commands")),
                    get(file, "tencent.callback.token"),
                    Long.parseLong(get(file, "tencent.sign.max.skew.seconds")),
                    Integer.parseInt(get(file, "max.body.bytes")),
                    get(file, "kafka.brokers"),
                    get(file, "kafka.topic"),
                    producer);
        }

        Map<String, Object> producerConfig() {
            return producer;
        }

        /** Environment variable (KEY_IN_UPPER_CASE), then -Dkey=value, then the file; a {{...}} placeholder counts as unset. */
        private static String get(Properties file, String key) {
            String env = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
            String value = env != null ? env : System.getProperty(key, file.getProperty(key));
            if (value == null || value.contains("{{")) {
                throw new IllegalArgumentException("no value for " + key + " (set " + key.toUpperCase(Locale.ROOT).replace('.', '_') + ")");
            }
            return value.trim();
        }

        private static Set<String> list(String csv) {
            Set<String> values = new LinkedHashSet<>();
            Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(values::add);
            return values;
        }
    }
}
