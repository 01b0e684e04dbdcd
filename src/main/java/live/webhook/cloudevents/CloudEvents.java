package live.webhook.cloudevents;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudEvents 1.0 of the room metadata messages (src/main/contract/): the attributes every event of
 * one webhook shares, made once per webhook, and the event of one message, whose id says what the
 * message says: a key delivered twice (a retry by Tencent, a spool replay) has one id, and two
 * different messages never share one.
 */
public final class CloudEvents {

    public static final String SET_METADATA = "Live.CallbackAfterSetMetadata";
    public static final String TYPE_SET = "com.tencentcloud.live.metadata.set";
    public static final String TYPE_DELETED = "com.tencentcloud.live.metadata.deleted";
    /** The attributes of Kafka's binary content mode (ce_ + name), in the contract's order. */
    public static final String[] HEADER_ATTRIBUTES = {"specversion", "id", "source", "type", "time", "sdkappid", "roomid"};
    private static final String[] HEADERS = Arrays.stream(HEADER_ATTRIBUTES).map(a -> "ce_" + a).toArray(String[]::new);

    private CloudEvents() {
    }

    /**
     * The event's attributes as Kafka's binary content mode carries them, headers ce_&lt;name&gt; in the
     * contract's order, each one the event has: the Kafka sink's records and the Kamelet's events alike.
     */
    public static void attributeHeaders(Map<String, Object> event, java.util.function.BiConsumer<String, Object> header) {
        for (int i = 0; i < HEADER_ATTRIBUTES.length; i++) {
            Object value = event.get(HEADER_ATTRIBUTES[i]);
            if (value != null) {
                header.accept(HEADERS[i], value);
            }
        }
    }

    /**
     * The attributes all events of one webhook have, in the contract's order after the id: source,
     * type, time (EventTime in milliseconds as RFC 3339 UTC, absent when EventTime is not a whole
     * number or falls outside the years 0000 to 9999), datacontenttype, the sdkappid and roomid extensions, the trace context.
     */
    public static Map<String, Object> shared(String sdkAppid, String roomId, boolean set, Object eventTime,
            String traceParent, String traceState) {
        Map<String, Object> shared = new LinkedHashMap<>(16);
        shared.put("source", "/tencent/live/" + sdkAppid);
        shared.put("type", set ? TYPE_SET : TYPE_DELETED);
        String time = eventTime instanceof Long || eventTime instanceof Integer ? rfc3339(((Number) eventTime).longValue()) : null;
        if (time != null) {
            shared.put("time", time);
        }
        shared.put("datacontenttype", "application/json");
        shared.put("sdkappid", sdkAppid);
        shared.put("roomid", roomId);
        shared.put("traceparent", traceParent);
        if (traceState != null && !traceState.isEmpty()) {
            shared.put("tracestate", traceState);
        }
        return shared;
    }

    /** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z in Unix milliseconds: RFC 3339's years. */
    static final long FIRST_MILLI_OF_YEAR_0 = -62_167_219_200_000L;
    static final long FIRST_MILLI_OF_YEAR_10000 = 253_402_300_800_000L;

    /**
     * Unix milliseconds as RFC 3339 UTC with milliseconds (yyyy-MM-dd'T'HH:mm:ss.SSS'Z'), written
     * without a formatter's per-call work, since every webhook has one; null outside the years 0000 to
     * 9999, which RFC 3339 cannot write (a formatter would give "+10000-..." there, and the event
     * would not be a valid CloudEvent).
     */
    static String rfc3339(long millis) {
        if (millis < FIRST_MILLI_OF_YEAR_0 || millis >= FIRST_MILLI_OF_YEAR_10000) {
            return null;
        }
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC);
        char[] c = "0000-00-00T00:00:00.000Z".toCharArray();
        digits(c, 0, 4, t.getYear());
        digits(c, 5, 2, t.getMonthValue());
        digits(c, 8, 2, t.getDayOfMonth());
        digits(c, 11, 2, t.getHour());
        digits(c, 14, 2, t.getMinute());
        digits(c, 17, 2, t.getSecond());
        digits(c, 20, 3, (int) Math.floorMod(millis, 1000));
        return new String(c);
    }

    private static void digits(char[] into, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The event of one message: specversion, id, the shared attributes, the message as data. */
    public static Map<String, Object> event(Map<String, Object> message, Map<String, Object> shared) {
        Map<String, Object> event = new LinkedHashMap<>(16);
        event.put("specversion", "1.0");
        event.put("id", id(message));
        event.putAll(shared);
        event.put("data", message);
        return event;
    }

    /** The message an event carries as its data, or the message itself when it is not an event. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> message(Map<String, Object> eventOrMessage) {
        Object data = eventOrMessage.get("data");
        return data instanceof Map<?, ?> ? (Map<String, Object>) data : eventOrMessage;
    }

    /**
     * Lowercase hex SHA-256 of the array [SdkAppid, CallbackCommand, RoomId, Key, Value,
     * Operator_Account, EventTime] as RFC 8785 canonical JSON (UTF-8), which any JCS implementation
     * reproduces from the message. JCS has no form for a number beyond the range of an IEEE 754
     * double; such a number (Infinity to ECMAScript's JSON.parse) enters the array as null, as
     * ECMAScript's JSON.stringify writes it.
     */
    public static String id(Map<String, Object> message) {
        byte[] said = CanonicalJson.utf8(Arrays.asList(message.get("SdkAppid"), message.get("CallbackCommand"),
                message.get("RoomId"), message.get("Key"), message.get("Value"), finite(message.get("Operator_Account")),
                finite(message.get("EventTime"))));
        return live.webhook.Sha256.hex(said);
    }

    /** The value with every number beyond a double's range as null; the value itself when it has none. */
    static Object finite(Object value) {
        if (value instanceof Number n) {
            return Double.isFinite(n.doubleValue()) ? value : null;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 2);
            map.forEach((k, v) -> copy.put(k, finite(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(finite(v)));
            return copy;
        }
        return value;
    }
}
