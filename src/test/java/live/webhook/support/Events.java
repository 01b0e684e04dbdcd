package live.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.contract.MessageContract;

/**
 * The messages as the log and file sinks write them: CloudEvents 1.0 in structured mode, one JSON
 * event per line, the message as its {@code data} (src/main/contract/).
 */
public final class Events {

    static final ObjectMapper JSON = new ObjectMapper();
    /** W3C trace context, version 00: trace id, parent id, flags; neither id all zeros. */
    public static final String TRACE_PARENT = "00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}";

    private Events() {
    }

    /** The event of one line, with its attributes checked against its data. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> event(String line) {
        // The published contract first (src/main/contract/), then what the schema cannot say.
        MessageContract.assertValidCloudEvent(line);
        try {
            Map<String, Object> event = JSON.readValue(line, LinkedHashMap.class);
            assertThat(event).as("a CloudEvent: %s", line)
                    .containsEntry("specversion", "1.0")
                    .containsEntry("datacontenttype", "application/json")
                    .containsKey("data");
            Map<String, Object> data = (Map<String, Object>) event.get("data");
            assertThat(event).as("attributes of %s", line)
                    .containsEntry("id", id(data))
                    .containsEntry("source", "/tencent/live/" + data.get("SdkAppid"))
                    .containsEntry("type", type((String) data.get("CallbackCommand")))
                    .containsEntry("sdkappid", data.get("SdkAppid"))
                    .containsEntry("roomid", data.get("RoomId"));
            assertThat((String) event.get("traceparent")).as("traceparent of %s", line).matches(TRACE_PARENT);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message a line carries, as JSON text, field order kept: the data of its event. */
    public static String dataText(String line) {
        try {
            return JSON.writeValueAsString(data(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message a line carries: the data of its event. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> data(String line) {
        return (Map<String, Object>) event(line).get("data");
    }

    /**
     * The documented id: lowercase hex SHA-256 of the array [SdkAppid, CallbackCommand, RoomId, Key,
     * Value, Operator_Account, EventTime] as RFC 8785 canonical JSON, computed with another
     * implementation of RFC 8785 than the service's, from the message as a consumer reads it. A
     * number beyond a double's range (Infinity as read here) counts as null, as ECMAScript's
     * JSON.stringify writes it.
     */
    public static String id(Map<String, Object> message) {
        try {
            String array = JSON.writeValueAsString(Arrays.asList(message.get("SdkAppid"), message.get("CallbackCommand"),
                    message.get("RoomId"), message.get("Key"), message.get("Value"), finite(message.get("Operator_Account")),
                    finite(message.get("EventTime"))));
            byte[] said = new org.erdtman.jcs.JsonCanonicalizer(array).getEncodedUTF8();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(said));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object finite(Object value) {
        if (value instanceof Number n) {
            return Double.isFinite(n.doubleValue()) ? value : null;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, finite(v)));
            return copy;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(Events::finite).collect(java.util.stream.Collectors.toList());
        }
        return value;
    }

    public static String type(String callbackCommand) {
        return switch (callbackCommand) {
            case WebhookService.SET -> "com.tencentcloud.live.metadata.set";
            case WebhookService.DEL -> "com.tencentcloud.live.metadata.deleted";
            default -> throw new IllegalArgumentException(callbackCommand);
        };
    }
}
