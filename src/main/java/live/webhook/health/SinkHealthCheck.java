package live.webhook.health;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import live.webhook.kafka.Spool;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the sink, served by camel-main's management server with Camel's own checks:
 * /observe/health/ready?data=true shows it as "&lt;sink&gt;-sink" (log-sink, file-sink, kafka-sink).
 *
 * <p>camel-kafka's producer check (camel.health.producers-enabled) would turn readiness DOWN while
 * Kafka is down, yet then the spool still takes every webhook, and Camel has no custom check that is
 * configuration only. So this check is DOWN when the sink cannot write its directory (the file sink's,
 * or the Kafka sink's spool): not a writable directory, or the last write there failed (a full disk;
 * direct:write-failed records it) and the check's own test write still fails. So a pod that cannot
 * write stops receiving webhooks, and is ready again once a write succeeds. Kafka itself never makes
 * it DOWN; its state is in the details.
 *
 * <p>The sink is the constructor's argument (the check's id is made from it); the other settings are
 * bean properties. A backlog in the spool never makes it DOWN: the spool is there to hold one.
 */
public class SinkHealthCheck extends AbstractHealthCheck {

    public static final String GROUP = "tencent";

    private final String sink;
    private String kafkaBrokers;
    private Path spoolDir;
    private Path sinkFileDir;

    public SinkHealthCheck(String sink) {
        super(GROUP, sink + "-sink");
        this.sink = sink;
    }

    public String getSink() {
        return sink;
    }

    public String getKafkaBrokers() {
        return kafkaBrokers;
    }

    public void setKafkaBrokers(String kafkaBrokers) {
        this.kafkaBrokers = kafkaBrokers;
    }

    public String getSpoolDir() {
        return spoolDir == null ? null : spoolDir.toString();
    }

    public void setSpoolDir(String spoolDir) {
        this.spoolDir = Paths.get(spoolDir);
    }

    public String getSinkFileDir() {
        return sinkFileDir == null ? null : sinkFileDir.toString();
    }

    public void setSinkFileDir(String sinkFileDir) {
        this.sinkFileDir = Paths.get(sinkFileDir);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** The directory the sink writes: the file sink's, the Kafka sink's spool; none for the log. */
    Path written() {
        return switch (sink) {
            case "file" -> sinkFileDir;
            case "kafka" -> spoolDir;
            default -> null;
        };
    }

    String writtenSetting() {
        return "file".equals(sink) ? "sink.file.dir" : "spool.dir";
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CamelContext context = getCamelContext();
        builder.detail("sink", sink);
        Path written = written();
        if (written == null) {
            builder.up();
            return;
        }
        String writtenSetting = writtenSetting();
        boolean writable;
        try {
            Files.createDirectories(written);
            writable = Files.isWritable(written);
        } catch (IOException e) {
            writable = false;
        }
        builder.detail(writtenSetting, written.toString());
        SinkHealth health = health(context);
        // A failed write is cleared only by a write that succeeds after it.
        SinkHealth.Failure failed = health.writeFailure();
        if (failed != null) {
            if (writable && writesAgain(written)) {
                health.writesAgain(failed);
                failed = null;
            } else {
                builder.detail("write.last.failure", failed.cause());
                builder.detail("write.failed.ms.ago", System.currentTimeMillis() - failed.at());
            }
        }
        String kafka = "kafka".equals(sink) ? kafkaDetails(builder, context, health) : null;
        if (!writable) {
            builder.down();
            builder.message(writtenSetting + " is not a writable directory");
        } else if (failed != null) {
            builder.down();
            builder.message("the last write to " + writtenSetting + " failed, and a write there still fails");
        } else {
            builder.up();
            if (kafka != null) {
                builder.message(kafka);
            }
        }
    }

    /** The sink's state, which the routes keep in the bean sinkHealth (routes/health.camel.yaml). */
    private static SinkHealth health(CamelContext context) {
        SinkHealth health = context.getRegistry().lookupByNameAndType("sinkHealth", SinkHealth.class);
        return health != null ? health : new SinkHealth();
    }

    /** Kafka's and the spool's details; what readiness says of Kafka while it does not take records, else null. */
    private String kafkaDetails(HealthCheckResultBuilder builder, CamelContext context, SinkHealth health) {
        // What the last delivery attempt said: true after an acknowledgement, false after a failure,
        // unknown before the first.
        Boolean reachable = health.kafkaReachable();
        builder.detail("kafka.brokers", kafkaBrokers);
        builder.detail("kafka.reachable", reachable == null ? "unknown" : (Object) reachable);
        SinkHealth.Failure failure = health.kafkaFailure();
        if (failure != null) {
            builder.detail("kafka.last.failure", failure.cause());
        }
        SinkHealth.Failure refused = health.kafkaAuthenticationFailure();
        if (refused != null) {
            builder.detail("kafka.authentication.failure", refused.cause());
        }
        // The spool routes/kafka.camel.yaml uses (looked up here: Camel may build a YAML bean twice).
        Spool spool = context.getRegistry().lookupByNameAndType("spool", Spool.class);
        Spool.SpoolState state = spool == null ? new Spool.SpoolState(0, 0) : spool.state();
        builder.detail("spool.depth", state.depth());
        builder.detail("spool.oldest.age.ms", state.oldestAgeMillis());
        if (refused != null) {
            return "Kafka refused this service's credentials (authentication failed): webhooks go to the spool";
        }
        return Boolean.FALSE.equals(reachable) ? "Kafka did not take the last records in time: webhooks go to the spool" : null;
    }

    /**
     * After a failed write: whether a write there succeeds now. 4 KiB, flushed to the device like a
     * spool file, then removed: a message file of a genuine webhook is about that size.
     */
    static boolean writesAgain(Path written) {
        Path probe = null;
        try {
            probe = Files.createTempFile(written, ".ready-", ".check");
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.WRITE)) {
                ByteBuffer block = ByteBuffer.allocate(4096);
                while (block.hasRemaining()) {
                    channel.write(block);
                }
                channel.force(true);
            }
            return true;
        } catch (IOException stillFailing) {
            return false;
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a probe we could not even remove is a write that still fails
                }
            }
        }
    }
}
