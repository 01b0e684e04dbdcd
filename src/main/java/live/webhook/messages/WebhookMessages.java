package live.webhook.messages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.cloudevents.CloudEvents;
import live.webhook.cloudevents.TraceContext;
import live.webhook.receive.ErrorCode;
import live.webhook.receive.WebhookRefused;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks every field of an unmarshalled webhook and turns it into one message per metadata key, in
 * one pass: a webhook with any bad entry is refused whole, before anything reaches the sink.
 *
 * <p>In: the body as a Jackson tree (an object), the variables SdkAppid, CallbackCommand (already
 * checked to be a routed command), TraceParent and TraceState. Out: the body is the List of messages,
 * each a CloudEvent with the message as its data unless {@code cloudEvents} is false, and the
 * variables RoomId and MessageCount are set; or the webhook is refused ({@link WebhookRefused}: 4003
 * to 4006).
 */
public class WebhookMessages implements Processor {

    static final ObjectMapper JSON = new ObjectMapper();

    private boolean cloudEvents = true;

    /**
     * cloudevents.enabled, as text read leniently: camel-main builds the bean before its settings check
     * refuses anything but true or false in one line (a conversion error here would be a stack trace).
     */
    public void setCloudEvents(String cloudEvents) {
        this.cloudEvents = !"false".equalsIgnoreCase(cloudEvents == null ? "" : cloudEvents.strip());
    }

    public boolean isCloudEvents() {
        return cloudEvents;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(toMessages(exchange.getMessage().getBody(JsonNode.class), exchange));
    }

    List<Map<String, Object>> toMessages(JsonNode webhook, Exchange exchange) {
        String command = exchange.getVariable("CallbackCommand", String.class);
        JsonNode bodyCommand = webhook.path("CallbackCommand");
        if (!bodyCommand.isTextual() || !bodyCommand.textValue().equals(command)) {
            throw ErrorCode.CALLBACK_COMMAND_DIFFERS.refusal();
        }
        String roomId = webhook.path("RoomId").textValue();
        if (roomId == null || roomId.isEmpty()) {
            throw ErrorCode.ROOM_ID_INVALID.refusal();
        }
        boolean set = CloudEvents.SET_METADATA.equals(command);
        JsonNode entries = webhook.get(set ? "Metadata" : "Keys");
        WebhookRefused invalidEntries = (set ? ErrorCode.METADATA_INVALID : ErrorCode.KEYS_INVALID).refusal();
        if (entries == null || !entries.isArray()) {
            throw invalidEntries;
        }
        String sdkAppid = exchange.getVariable("SdkAppid", String.class);
        Object operator = plain(webhook.get("Operator_Account"));
        Object eventTime = plain(webhook.get("EventTime"));
        String traceParent = exchange.getVariable("TraceParent", String.class);
        if (!TraceContext.isValid(traceParent)) {
            traceParent = TraceContext.newTraceParent();
            exchange.setVariable("TraceParent", traceParent);
            exchange.removeVariable("TraceState");
        }
        Map<String, Object> shared = cloudEvents
                ? CloudEvents.shared(sdkAppid, roomId, set, eventTime, traceParent, exchange.getVariable("TraceState", String.class))
                : null;
        List<Map<String, Object>> messages = new ArrayList<>(entries.size());
        for (JsonNode entry : entries) {
            String key = set ? entry.path("Key").textValue() : entry.textValue();
            boolean valid = key != null && !key.isEmpty() && (!set || entry.path("Value").isTextual());
            if (!valid) {
                throw invalidEntries;
            }
            Map<String, Object> message = new LinkedHashMap<>(10);
            message.put("SdkAppid", sdkAppid);
            message.put("CallbackCommand", command);
            message.put("RoomId", roomId);
            message.put("Key", key);
            message.put("Value", set ? entry.get("Value").textValue() : null);
            message.put("Operator_Account", operator);
            message.put("EventTime", eventTime);
            messages.add(message);
        }
        if (cloudEvents) {
            messages.replaceAll(message -> CloudEvents.event(message, shared));
        }
        exchange.setVariable("RoomId", roomId);
        exchange.setVariable("MessageCount", messages.size());
        return messages;
    }

    /** A field carried as sent, as Java's own value: text, number, boolean, or a Map or List. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return JSON.convertValue(node, Object.class);
    }
}
