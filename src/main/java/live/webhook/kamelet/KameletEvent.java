package live.webhook.kamelet;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.cloudevents.CloudEvents;
import live.webhook.kafka.KafkaRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The event the Kamelet hands to kamelet:sink for one message: the message JSON as the body, keyed
 * like the Kafka sink's records ({@code key}: [RoomId, Key] as JSON), with the CloudEvents attributes
 * and the trace context as the Kafka sink's records carry them (ce_*, traceparent, tracestate) when
 * the message is a CloudEvent. Camel's header names are case-insensitive, so the metadata key
 * travels as MetadataKey, apart from key.
 */
public class KameletEvent implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws JsonProcessingException {
        Message out = exchange.getMessage();
        Map<String, Object> event = out.getBody(Map.class);
        Map<String, Object> message = CloudEvents.message(event);
        boolean cloudEvent = message != event;
        out.setHeader("key", KafkaRecord.key(message));
        out.setHeader("CallbackCommand", message.get("CallbackCommand"));
        out.setHeader("RoomId", message.get("RoomId"));
        out.setHeader("MetadataKey", message.get("Key"));
        out.setHeader("Content-Type", "application/json");
        if (cloudEvent) {
            CloudEvents.attributeHeaders(event, out::setHeader);
            out.setHeader("traceparent", event.get("traceparent"));
            if (event.get("tracestate") != null) {
                out.setHeader("tracestate", event.get("tracestate"));
            }
        }
        out.setBody(JSON.writeValueAsBytes(message));
    }
}
