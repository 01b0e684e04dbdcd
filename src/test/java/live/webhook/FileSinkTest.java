package live.webhook;

import static live.webhook.support.WebhookService.DEL;
import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.Events;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SINK=file: JSON Lines under sink.file.dir, complete files only. */
class FileSinkTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;
    WebhookService service;

    @BeforeEach
    void start() {
        service = WebhookService.start("sink", "file", "sink.file.dir", out.toString());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void sampleGivesTwoLinesInOneCompleteFile() throws Exception {
        assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);

        List<Path> files = files();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).endsWith(".jsonl").doesNotStartWith(".");
        String content = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertThat(content).endsWith("\n");
        assertThat(lines()).containsExactly(
                LogSinkTest.message(SET, "key1", "value1"),
                LogSinkTest.message(SET, "key2", "value2"));
    }

    @Test
    void delMetadataGivesNullValues() throws Exception {
        assertThat(service.post(query(DEL), sample("del-metadata.json")).statusCode()).isEqualTo(200);

        assertThat(lines()).containsExactly(LogSinkTest.message(DEL, "key1", null), LogSinkTest.message(DEL, "key2", null));
    }

    @Test
    void emptyMetadataWritesNoFile() throws Exception {
        String body = JSON.writeValueAsString(LogSinkTest.webhook(SET, "r", List.of()));

        assertThat(service.post(query(SET), body).statusCode()).isEqualTo(200);

        assertThat(files()).isEmpty();
    }

    @Test
    void everyWebhookGetsItsOwnFileInArrivalOrder() throws Exception {
        for (int i = 0; i < 5; i++) {
            String body = JSON.writeValueAsString(LogSinkTest.webhook(SET, "room-" + i, List.of(Map.of("Key", "k", "Value", "v" + i))));
            assertThat(service.post(query(SET), body).statusCode()).isEqualTo(200);
        }

        List<Map<String, Object>> lines = lines();
        assertThat(lines).extracting(m -> m.get("RoomId")).containsExactly("room-0", "room-1", "room-2", "room-3", "room-4");
    }

    @Test
    void aSinkThatCannotWriteIsAnswered500WithAFailBody(@TempDir Path elsewhere) throws Exception {
        Path lost = elsewhere.resolve("out");
        try (WebhookService broken = WebhookService.start("sink", "file", "sink.file.dir", lost.toString())) {
            // A directory it cannot write stops the start (StartupChecksIT); this one is lost after it.
            Files.delete(lost);
            Files.writeString(lost, "a regular file, not a directory");
            var response = broken.post(query(SET), sample("set-metadata.json"));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo(
                    "{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"Webhook could not be processed\",\"ErrorCode\":5000}");
        }
    }

    /** Complete files only: a dot-file would be one still being written. */
    List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(out)) {
            List<Path> all = walk.filter(Files::isRegularFile).sorted().toList();
            assertThat(all).noneMatch(p -> p.getFileName().toString().startsWith("."));
            return all;
        }
    }

    List<Map<String, Object>> lines() throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Path file : files()) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(Events.data(line));
            }
        }
        return lines;
    }
}
