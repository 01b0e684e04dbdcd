package live.webhook.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples (jdk.ExecutionSample) are: the top frames (the method running
 * when sampled) and, for named parts of the stack, the share of samples with that part anywhere on
 * the stack. Prints Markdown.
 *
 * <p>Usage: {@code java -cp ... live.webhook.bench.JfrTop RECORDING.jfr [TOP]}
 */
public final class JfrTop {

    /** Parts of the stack, by the frames' class names: what each costs with all it calls. */
    static final Map<String, Pattern> PARTS = new LinkedHashMap<>();

    static {
        part("kafka-clients (KafkaProducer.send, the sender thread, the network)", "^org\\.apache\\.kafka\\.");
        part("camel-kafka (records, headers, waiting for acknowledgements)", "^org\\.apache\\.camel\\.component\\.kafka\\.");
        part("camel-kafka: header filtering and serializing", "KafkaProducer\\.getPropagatedHeaders|HeaderFilterStrategy|HeaderSerializer");
        part("platform-http-vertx (request to exchange, answer)", "^org\\.apache\\.camel\\.component\\.platform\\.http\\.");
        part("Vert.x and Netty (HTTP, event loops)", "^io\\.(vertx|netty)\\.");
        part("Camel routing engine (pipelines, EIPs, unit of work, events)",
                "^org\\.apache\\.camel\\.(impl|processor|support|language|component\\.direct)\\.");
        part("Camel Simple language", "^org\\.apache\\.camel\\.language\\.simple\\.");
        part("this project's classes (live.webhook)", "^live\\.webhook\\.");
        part("  WebhookMessages (fields, messages)", "^live\\.webhook\\.messages\\.WebhookMessages");
        part("  CloudEvents (ids: RFC 8785 + SHA-256)", "^live\\.webhook\\.cloudevents\\.");
        part("  KafkaRecord", "^live\\.webhook\\.kafka\\.KafkaRecord");
        part("Jackson (parse, write)", "^com\\.fasterxml\\.jackson\\.");
        part("logback", "^ch\\.qos\\.logback\\.");
        part("Micrometer", "^io\\.micrometer\\.");
    }

    private static void part(String name, String regex) {
        PARTS.put(name, Pattern.compile(regex));
    }

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        Path recording = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Map<String, Integer> topFrames = new TreeMap<>();
        Map<String, Integer> parts = new LinkedHashMap<>();
        Map<String, Integer> threads = new TreeMap<>();
        PARTS.keySet().forEach(k -> parts.put(k, 0));
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                samples++;
                topFrames.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
                String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", "-N"), 1, Integer::sum);
                Set<String> seen = new LinkedHashSet<>();
                for (RecordedFrame frame : frames) {
                    String n = name(frame.getMethod());
                    PARTS.forEach((part, pattern) -> {
                        if (!seen.contains(part) && pattern.matcher(n).find()) {
                            seen.add(part);
                        }
                    });
                }
                seen.forEach(p -> parts.merge(p, 1, Integer::sum));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("CPU samples (jdk.ExecutionSample): ").append(samples).append("; stacks as deep as the recording kept them.\n\n");
        md.append("### Top frames\n\n| Share | Method |\n| ---: | --- |\n");
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(topFrames.entrySet());
        sorted.sort((a, b) -> b.getValue() - a.getValue());
        double all = samples;
        for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            md.append(String.format("| %.1f %% | `%s` |%n", 100.0 * e.getValue() / all, e.getKey()));
        }
        md.append("\n### Samples with each part on the stack (a sample counts in every part it shows)\n\n| Share | Part |\n| ---: | --- |\n");
        parts.forEach((p, n) -> md.append(String.format("| %.1f %% | %s |%n", 100.0 * n / all, p)));
        md.append("\n### Samples by thread\n\n| Share | Thread |\n| ---: | --- |\n");
        List<Map.Entry<String, Integer>> byThread = new ArrayList<>(threads.entrySet());
        byThread.sort((a, b) -> b.getValue() - a.getValue());
        for (Map.Entry<String, Integer> e : byThread.subList(0, Math.min(12, byThread.size()))) {
            md.append(String.format("| %.1f %% | %s |%n", 100.0 * e.getValue() / all, e.getKey()));
        }
        System.out.print(md);
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }
}
