package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import live.webhook.support.KafkaBroker;
import live.webhook.support.LogCapture;
import live.webhook.support.WebhookService;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer's first connection, made by the factory before any webhook, against a real broker and an absent one. */
class KafkaClientsTest {

    @TempDir
    Path spoolDir;

    static Properties producer(String brokers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
        return p;
    }

    KafkaClients clients(String topic, Spool spool) {
        KafkaClients clients = new KafkaClients();
        clients.setTopic(topic);
        clients.setWarmUpMillis(3000);
        clients.setSpool(spool);
        return clients;
    }

    @Test
    void aProducerComesBackKnowingTheTopic() {
        try (KafkaBroker kafka = new KafkaBroker().start(); LogCapture log = LogCapture.start()) {
            kafka.createTopic("warm", 3, Map.of());
            try (Producer<?, ?> producer = clients("warm", null).getProducer(producer(kafka.bootstrapServers()))) {
                assertThat(log.events()).anySatisfy(e -> assertThat(e).startsWith("INFO tencent.live.kafka - Kafka answered in ")
                        .contains(" ms: topic warm has 3 partitions"));
            }
        }
    }

    @Test
    void withoutKafkaTheSpoolTakesTheFirstWebhooksAtOnce() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Spool spool = new Spool();
            spool.setDirectory(spoolDir.toString());
            spool.setCamelContext(camel);
            spool.open();
            try (LogCapture log = LogCapture.start();
                    Producer<?, ?> producer = clients("warm", spool).getProducer(producer("127.0.0.1:" + WebhookService.freePort()))) {
                assertThat(log.events()).anySatisfy(e -> assertThat(e).startsWith(
                        "WARN tencent.live.kafka - Kafka did not answer for topic warm within 3000 ms of start-up ("));
            }
            Exchange webhook = new DefaultExchange(camel);
            webhook.setVariable(NotAcknowledged.MESSAGES, java.util.List.of(Map.of("RoomId", "r", "Key", "k")));
            spool.admit(webhook);
            assertThat(webhook.getVariable(Spool.SPOOLING, Boolean.class)).isTrue();
            spool.close();
        }
    }
}
