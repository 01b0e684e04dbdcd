package live.webhook.kafka;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.cloudevents.CloudEvents;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Turns messages (or their CloudEvents) into the Kafka records camel-kafka sends, each a Camel
 * message with the key, the value and the headers of the README's Kafka section.
 *
 * <ul>
 * <li>Key: [RoomId, Key] as a JSON array, which cannot be ambiguous: ("a/b","c") and ("a","b/c") give
 * different keys.</li>
 * <li>Value: the message JSON; for a deleted key a tombstone (null), so compaction drops the key and
 * the topic mirrors each room's current metadata.</li>
 * <li>Headers, all text (not Kafka's binary numbers), so any consumer reads them: CallbackCommand,
 * SdkAppid, RoomId, Key, EventTime, each only when the webhook said it; a CloudEvent in binary content
 * mode (its attributes as ce_* headers, content-type unless a tombstone); the trace context as W3C's
 * own traceparent and tracestate, which Kafka instrumentations read.</li>
 * <li>Timestamp: the webhook's EventTime (Tencent's CreateTime, Unix milliseconds) when it is a whole
 * number Kafka takes (0 or more, at most an hour ahead of this service's clock), through camel-kafka's
 * KafkaConstants.OVERRIDE_TIMESTAMP; else the producer's clock. So a record replayed from the spool carries the same timestamp as had it gone
 * out at once, and a consumer can order a key's records by it.</li>
 * </ul>
 * A plain message replayed from the spool has no trace context left to carry; a plain message of
 * this webhook takes it from the variables TraceParent and TraceState.
 */
public class KafkaRecord implements Processor {

    static final String KEY = KafkaConstants.KEY;
    /** The record's timestamp, a Long. */
    static final String OVERRIDE_TIMESTAMP = KafkaConstants.OVERRIDE_TIMESTAMP;
    static final String DEL_METADATA = "Live.CallbackAfterDelMetadata";
    private static final String[] MESSAGE_HEADERS = {"CallbackCommand", "SdkAppid", "RoomId", "Key", "EventTime"};
    private static final ObjectMapper JSON = new ObjectMapper();

    /** [RoomId, Key] of a message as a JSON array: the Kafka record's key, and the Kamelet's event's. */
    public static String key(Map<String, Object> message) throws JsonProcessingException {
        return JSON.writeValueAsString(Arrays.asList(message.get("RoomId"), message.get("Key")));
    }

    /** The Kafka key of the i-th record of a send (its KEY header), or null when there is none. */
    static Object keyOf(List<?> records, int i) {
        return records != null && i < records.size() && records.get(i) instanceof Message record ? record.getHeader(KEY) : null;
    }

    /**
     * The body, one message (a Map) or the List of a webhook's messages, becomes the List of their
     * records, in order: one exchange carries all of a webhook's records, which camel-kafka sends at
     * once (batchWithIndividualHeaders) and acknowledges together.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        Object body = exchange.getMessage().getBody();
        List<Message> records;
        if (body instanceof List<?> messages) {
            records = new ArrayList<>(messages.size());
            for (Object message : messages) {
                records.add(record(exchange, (Map<String, Object>) message));
            }
        } else {
            records = List.of(record(exchange, exchange.getMessage().getBody(Map.class)));
        }
        exchange.getMessage().setBody(records);
    }

    /** The record of one message (or its CloudEvent): key, value and headers as camel-kafka reads them. */
    static Message record(Exchange exchange, Map<String, Object> event) throws JsonProcessingException {
        Message record = new RecordMessage(exchange.getContext());
        Map<String, Object> message = CloudEvents.message(event);
        boolean cloudEvent = message != event;
        record.setHeader(KEY, key(message));
        for (String name : MESSAGE_HEADERS) {
            Object value = message.get(name);
            if (value != null) {
                record.setHeader(name, value.toString());
            }
        }
        Long timestamp = timestamp(message.get("EventTime"), System.currentTimeMillis());
        if (timestamp != null) {
            record.setHeader(OVERRIDE_TIMESTAMP, timestamp);
        }
        boolean deleted = DEL_METADATA.equals(message.get("CallbackCommand"));
        Object traceParent;
        Object traceState;
        if (cloudEvent) {
            CloudEvents.attributeHeaders(event, record::setHeader);
            if (!deleted) {
                record.setHeader("content-type", event.get("datacontenttype"));
            }
            traceParent = event.get("traceparent");
            traceState = event.get("tracestate");
        } else {
            traceParent = exchange.getVariable("TraceParent");
            traceState = exchange.getVariable("TraceState");
        }
        if (traceParent != null) {
            record.setHeader("traceparent", traceParent);
        }
        if (traceState != null) {
            record.setHeader("tracestate", traceState);
        }
        // A plain message of its own: a specialised one (the spool's file message) would create its
        // body again when it is null, and a tombstone would go out as the spool file's content.
        record.setBody(deleted ? null : JSON.writeValueAsBytes(message));
        return record;
    }

    /**
     * A record as a Camel message whose headers keep their names and order as given: Kafka's record
     * headers are case-sensitive and ordered, and the names here are exact. Camel's own message map
     * (case-insensitive, a TreeMap comparing names without case) would cost on every header camel-kafka
     * sets, reads, removes and copies, for every record.
     */
    static final class RecordMessage extends DefaultMessage {

        RecordMessage(org.apache.camel.CamelContext context) {
            super(context);
        }

        @Override
        protected Map<String, Object> createHeaders() {
            return new java.util.LinkedHashMap<>(32);
        }
    }

    /**
     * How far ahead of this service's clock an EventTime may be and still be the record's timestamp: a
     * broker refuses a record further ahead than its log.message.timestamp.after.max.ms (one hour by
     * default since Kafka 4.0), and a refused record would be spooled and hold the spool up for ever.
     */
    static final long MAX_AHEAD_MILLIS = 3_600_000;

    /** EventTime as a record timestamp now, or null: see {@link #timestamp(Object)} and MAX_AHEAD_MILLIS. */
    static Long timestamp(Object eventTime, long now) {
        Long millis = timestamp(eventTime);
        return millis != null && millis - now <= MAX_AHEAD_MILLIS ? millis : null;
    }

    /**
     * EventTime as a record timestamp: a whole number from 0 to Long.MAX_VALUE, as the webhook's JSON
     * gives it (Integer, Long, BigInteger, or BigDecimal / Double for 1739965885831.0 and 1.7E12, which
     * the spool's JSON reader gives back); null for anything else (text, a fraction, a negative number,
     * which Kafka refuses).
     */
    static Long timestamp(Object eventTime) {
        if (eventTime instanceof Integer || eventTime instanceof Long || eventTime instanceof Short || eventTime instanceof Byte) {
            long millis = ((Number) eventTime).longValue();
            return millis >= 0 ? millis : null;
        }
        BigDecimal value;
        if (eventTime instanceof BigDecimal d) {
            value = d;
        } else if (eventTime instanceof BigInteger i) {
            value = new BigDecimal(i);
        } else if (eventTime instanceof Double || eventTime instanceof Float) {
            double d = ((Number) eventTime).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            value = BigDecimal.valueOf(d);
        } else {
            return null;
        }
        if (value.signum() < 0) {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException fractionOrTooLarge) {
            return null;
        }
    }
}
