package live.webhook.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a spool directory holds, read the way an operator would (the README's layout: segment files
 * of JSON lines, {@code {"receivedAt":...,"messages":[...]}}, and a cursor, "segment offset", before
 * which everything was delivered), without the service's own classes.
 */
public final class SpoolFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpoolFiles() {
    }

    /** Every message in the spool not yet delivered (from the cursor on), oldest first. */
    public static List<Map<String, Object>> messages(Path spool) {
        List<Map<String, Object>> messages = new ArrayList<>();
        if (!Files.isDirectory(spool)) {
            return messages;
        }
        try (Stream<Path> files = Files.list(spool)) {
            long[] cursor = cursor(spool);
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                long id = Long.parseLong(segment.getFileName().toString().substring(0, 20));
                long offset = 0;
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    boolean delivered = id < cursor[0] || (id == cursor[0] && offset < cursor[1]);
                    offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    if (delivered) {
                        continue;
                    }
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> of = (List<Map<String, Object>>) JSON.readValue(line, Map.class).get("messages");
                    messages.addAll(of);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    /** The cursor file: the segment and the offset delivery has got to, {0, 0} without one. */
    static long[] cursor(Path spool) throws IOException {
        Path cursor = spool.resolve("cursor");
        if (!Files.exists(cursor)) {
            return new long[] {0, 0};
        }
        String[] parts = Files.readString(cursor, StandardCharsets.US_ASCII).trim().split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    /**
     * Writes a spool as an earlier run would have left it: {@code webhooks} lines of {@code keys}
     * messages each (room {@code <room>-<webhook>}, keys k0, k1, ..., values v<webhook>), all received
     * at {@code receivedAt}, a thousand messages to a segment.
     */
    public static void leftByAnEarlierRun(Path spool, String room, int webhooks, int keys, long receivedAt) {
        try {
            Files.createDirectories(spool);
            List<String> lines = new ArrayList<>();
            int segment = 1;
            for (int w = 0; w < webhooks; w++) {
                List<Map<String, Object>> messages = new ArrayList<>(keys);
                for (int k = 0; k < keys; k++) {
                    Map<String, Object> message = new java.util.LinkedHashMap<>();
                    message.put("SdkAppid", WebhookService.SDKAPPID);
                    message.put("CallbackCommand", WebhookService.SET);
                    message.put("RoomId", room + "-" + w);
                    message.put("Key", "k" + k);
                    message.put("Value", "v" + w);
                    message.put("Operator_Account", "brennanli");
                    message.put("EventTime", receivedAt);
                    messages.add(message);
                }
                lines.add(JSON.writeValueAsString(Map.of("receivedAt", receivedAt, "messages", messages)));
                if (lines.size() * keys >= 1000 || w == webhooks - 1) {
                    Files.write(spool.resolve(String.format("%020d.jsonl", segment++)), lines, StandardCharsets.UTF_8);
                    lines.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files in the spool other than its segments, its cursor and its lock: none is expected. */
    public static List<Path> strays(Path spool) {
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".jsonl"))
                    .filter(f -> !List.of(".lock", "cursor").contains(f.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
