package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotAcknowledgedTest {

    final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void close() {
        camel.stop();
    }

    Message record(Object meta) {
        Message record = new DefaultMessage(camel);
        if (meta != null) {
            record.setHeader(NotAcknowledged.RECORD_META, meta);
        }
        return record;
    }

    @Test
    void theMessagesWhoseRecordsKafkaAcknowledgedAreLeftOutInPlace() {
        assertThat(NotAcknowledged.RECORD_META).isEqualTo(org.apache.camel.component.kafka.KafkaConstants.KAFKA_RECORD_META);
        RecordMetadata acked = new RecordMetadata(new TopicPartition("t", 0), 5, 0, 0, 10, 20);
        List<Map<String, Object>> messages = List.of(Map.of("Key", "a"), Map.of("Key", "b"), Map.of("Key", "c"), Map.of("Key", "d"));
        // camel-kafka's synchronous producer: a, c acknowledged; b failed; d never looked at. Its
        // asynchronous one marks a failed record with [null].
        List<Message> records = new ArrayList<>(List.of(record(List.of(acked)), record(Collections.singletonList(null)),
                record(List.of(acked)), record(null)));
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable(NotAcknowledged.MESSAGES, messages);
        exchange.getMessage().setBody(records);
        new NotAcknowledged().process(exchange);
        assertThat(exchange.getMessage().getBody(List.class)).isEqualTo(Arrays.asList(null, Map.of("Key", "b"), null, Map.of("Key", "d")));
    }

    @Test
    void whenNoRecordWasMadeEveryMessageGoesToTheSpool() {
        List<Map<String, Object>> messages = List.of(Map.of("Key", "a"), Map.of("Key", "b"));
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable(NotAcknowledged.MESSAGES, messages);
        exchange.getMessage().setBody(messages);
        new NotAcknowledged().process(exchange);
        assertThat(exchange.getMessage().getBody(List.class)).isEqualTo(messages);
    }
}
