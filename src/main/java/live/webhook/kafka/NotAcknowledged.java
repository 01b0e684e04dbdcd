package live.webhook.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * After camel-kafka failed to send a webhook's records: the webhook's messages (the variable
 * {@value #MESSAGES}) with every message whose record Kafka acknowledged replaced by null, so that
 * the spool takes the others and each keeps its place in the webhook.
 *
 * <p>camel-kafka puts the RecordMetadata of an acknowledged record on the record's message (its
 * recordMetadata option, on by default). Its synchronous producer waits for the records in order and
 * stops at the first failure, so a record after it that Kafka did take is not known as acknowledged
 * and is spooled too: delivered twice, never lost. A consumer drops the repeat by ce_id.
 */
public class NotAcknowledged implements Processor {

    /** The exchange variable holding the List of the webhook's messages the records were made of. */
    public static final String MESSAGES = "Messages";
    static final String RECORD_META = KafkaConstants.KAFKA_RECORD_META;

    @Override
    public void process(Exchange exchange) {
        List<?> records = exchange.getMessage().getBody(List.class);
        List<?> messages = exchange.getVariable(MESSAGES, List.class);
        List<Object> left = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            left.add(acknowledged(records, i) ? null : messages.get(i));
        }
        exchange.getMessage().setBody(left);
    }

    static boolean acknowledged(List<?> records, int i) {
        return records != null && i < records.size() && records.get(i) instanceof Message record
                && record.getHeader(RECORD_META) instanceof List<?> meta && !meta.isEmpty() && meta.get(0) != null;
    }
}
