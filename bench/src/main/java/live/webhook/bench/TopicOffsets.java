package live.webhook.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Counts what actually arrived in a topic, for {@code bench/run}: a small line protocol on stdin
 * and stdout, so that one JVM (one Admin client) serves a whole run as a bash coprocess.
 *
 * <pre>
 * create TOPIC PARTITIONS CLEANUP_POLICY [BOOTSTRAP]  -> ok | error MESSAGE
 * count TOPIC [BOOTSTRAP]                             -> the sum of the partitions' end offsets | error MESSAGE
 * quit
 * </pre>
 * BOOTSTRAP, when given, is another broker's (plaintext) address than the one of the command line: one
 * Admin client per broker, made at its first command.
 *
 * <p>An end offset counts every record appended, whether or not compaction removed it later, so
 * the difference of two counts is the records that arrived in between. Every call is bounded
 * (10 s per Admin request, 10 attempts while a new topic is not in the metadata yet).
 *
 * <p>Usage: {@code java -cp ... live.webhook.bench.TopicOffsets BOOTSTRAP_SERVERS}
 */
public final class TopicOffsets {

    public static void main(String[] args) throws Exception {
        Map<String, Admin> admins = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                if (words.length == 0 || words[0].isEmpty()) {
                    continue;
                }
                if (words[0].equals("quit")) {
                    break;
                }
                String answer;
                try {
                    answer = switch (words[0]) {
                        case "create" -> create(admin(admins, words.length > 4 ? words[4] : args[0]), words[1],
                                Integer.parseInt(words[2]), words[3]);
                        case "count" -> Long.toString(count(admin(admins, words.length > 2 ? words[2] : args[0]), words[1]));
                        default -> "error unknown command " + words[0];
                    };
                } catch (Exception e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    answer = "error " + cause.toString().replaceAll("\\s+", " ");
                }
                System.out.println(answer);
                System.out.flush();
            }
        } finally {
            admins.values().forEach(Admin::close);
        }
    }

    private static Admin admin(Map<String, Admin> admins, String bootstrap) {
        return admins.computeIfAbsent(bootstrap, b -> {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-topic-offsets");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            return Admin.create(props);
        });
    }

    private static String create(Admin admin, String topic, int partitions, String cleanupPolicy) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(Map.of("cleanup.policy", cleanupPolicy))))
                    .all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        count(admin, topic); // returns once the topic is in the metadata and has leaders
        return "ok";
    }

    private static long count(Admin admin, String topic) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
                        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return new HashMap<>(offsets).values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            } catch (ExecutionException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw last;
    }

    private TopicOffsets() {
    }
}
