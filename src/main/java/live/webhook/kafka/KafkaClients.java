package live.webhook.kafka;

import java.util.List;
import java.util.Properties;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-kafka's own factory of Kafka clients, with the producer's first connection made while the
 * routes start instead of by the first webhooks. A new producer knows no broker yet: its first send
 * waits for the topic's metadata (a TCP and, with TLS and SASL, a handshake taking 0.5 to 1.3 s on 2
 * cores), longer than the 500 ms of max.block.ms, so the first webhooks after every start were
 * spooled, and under load those behind them waited up to 2.6 s for a worker thread. Here the new
 * producer asks for the topic's partitions until Kafka answers or {@link #setWarmUpMillis} passes;
 * camel-kafka creates its producer when the route kafka-send starts, so this runs before any webhook
 * is taken (the webhook port answers 503 meanwhile). When Kafka does not answer, or refuses the
 * credentials, the spool hears of it and webhooks go to it at once, until spool-drain finds Kafka
 * taking records.
 */
public class KafkaClients extends DefaultKafkaClientFactory {

    static final Logger LOG = LoggerFactory.getLogger("tencent.live.kafka");

    private String topic;
    private long warmUpMillis = 5000;
    private Spool spool;

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public long getWarmUpMillis() {
        return warmUpMillis;
    }

    public void setWarmUpMillis(long warmUpMillis) {
        this.warmUpMillis = warmUpMillis;
    }

    public Spool getSpool() {
        return spool;
    }

    public void setSpool(Spool spool) {
        this.spool = spool;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        Producer producer = super.getProducer(kafkaProps);
        warmUp(producer);
        return producer;
    }

    /** Asks for the topic's partitions until Kafka answers, refuses, or the warm-up time is over. */
    void warmUp(Producer<?, ?> producer) {
        long started = System.nanoTime();
        long deadline = started + warmUpMillis * 1_000_000;
        String reason = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                List<PartitionInfo> partitions = producer.partitionsFor(topic);
                if (partitions != null && !partitions.isEmpty()) {
                    LOG.info("Kafka answered in {} ms: topic {} has {} partitions", (System.nanoTime() - started) / 1_000_000, topic,
                            partitions.size());
                    return;
                }
            } catch (AuthenticationException refused) {
                reason = refused.getMessage();
                break;
            } catch (KafkaException notYet) {
                reason = notYet.getMessage();
            }
        }
        LOG.warn("Kafka did not answer for topic {} within {} ms of start-up ({}): webhooks go to the spool until it takes records",
                topic, warmUpMillis, reason);
        if (spool != null) {
            spool.kafkaUnavailable();
        }
    }
}
