package live.webhook.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import live.webhook.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's segments on a real disk: order, group commit, crash recovery, the old layout. */
class SpoolLogTest {

    @TempDir
    Path dir;

    static Map<String, Object> message(String key, Object value) {
        return Map.of("Key", key, "Value", value);
    }

    @Test
    void entriesComeBackInTheOrderTheyWereAppendedAfterAReopen() throws Exception {
        List<SpoolLog.Entry> appended = new ArrayList<>();
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            for (int i = 0; i < 5; i++) {
                SpoolLog.Entry entry = log.append(List.of(message("a", "a" + i), message("b", "b" + i)), 1000L + i);
                log.awaitDurable(entry);
                assertThat(log.isDurable(entry)).isTrue();
                appended.add(entry);
            }
        }
        SpoolLog.Opened reopened = SpoolLog.open(dir, 1000);
        try (SpoolLog log = reopened.log()) {
            assertThat(reopened.entries()).extracting(SpoolLog.Entry::receivedAt).containsExactly(1000L, 1001L, 1002L, 1003L, 1004L);
            assertThat(reopened.entries()).extracting(SpoolLog.Entry::messages).containsOnly(2);
            List<List<Object>> read = log.read(reopened.entries());
            assertThat(read).hasSize(5);
            assertThat(read.get(3)).containsExactly(message("a", "a3"), message("b", "b3"));
        }
    }

    @Test
    void aDecimalComesBackAsItWasWritten() throws Exception {
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            SpoolLog.Entry entry = log.append(List.of(Map.of("EventTime", 1739965885831L, "Value", new BigDecimal("1.50"))), 1);
            log.awaitDurable(entry);
            @SuppressWarnings("unchecked")
            Map<String, Object> back = (Map<String, Object>) log.read(List.of(entry)).get(0).get(0);
            assertThat(back.get("Value")).isEqualTo(new BigDecimal("1.50"));
            assertThat(((Number) back.get("EventTime")).longValue()).isEqualTo(1739965885831L);
        }
    }

    @Test
    void writersAtOnceAreAllDurableAndEachLineIsWhole() throws Exception {
        int writers = 16;
        int each = 50;
        try (SpoolLog log = SpoolLog.open(dir, 100_000).log()) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            SpoolLog.Entry entry = log.append(List.of(message("w" + writer, i)), writer * 1000L + i);
                            log.awaitDurable(entry);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        SpoolLog.Opened reopened = SpoolLog.open(dir, 100_000);
        try (SpoolLog log = reopened.log()) {
            assertThat(reopened.entries()).hasSize(writers * each);
            // Each writer's lines in its own order.
            List<List<Object>> read = log.read(reopened.entries());
            for (int w = 0; w < writers; w++) {
                String key = "w" + w;
                List<Object> values = read.stream().map(m -> (Map<?, ?>) m.get(0)).filter(m -> key.equals(m.get("Key")))
                        .map(m -> (Object) m.get("Value")).toList();
                assertThat(values).containsExactlyElementsOf(java.util.stream.IntStream.range(0, each).boxed().map(Object.class::cast).toList());
            }
        }
    }

    @Test
    void aLineTornByACrashIsCutOffAndEverythingBeforeItIsKept() throws Exception {
        Path segment;
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            for (int i = 0; i < 3; i++) {
                log.awaitDurable(log.append(List.of(message("k", i)), i));
            }
            segment = segments().get(0);
        }
        // What a crash during a write leaves: part of a line, then nothing (no newline).
        byte[] whole = SpoolLog.line(List.of(message("k", 3)), 3);
        Files.write(segment, java.util.Arrays.copyOf(whole, whole.length / 2), StandardOpenOption.APPEND);
        long before = Files.size(segment);
        try (LogCapture captured = LogCapture.start()) {
            SpoolLog.Opened reopened = SpoolLog.open(dir, 1000);
            reopened.log().close();
            assertThat(reopened.entries()).extracting(SpoolLog.Entry::receivedAt).containsExactly(0L, 1L, 2L);
            assertThat(captured.events()).anySatisfy(l -> assertThat(l).contains("bytes after its last whole line"));
        }
        assertThat(Files.size(segment)).isEqualTo(before - whole.length / 2);
    }

    @Test
    void aLineWithAZeroFilledPageIsTornTooAndSoIsWhatFollowsIt() throws Exception {
        Path segment;
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            log.awaitDurable(log.append(List.of(message("k", 0)), 0));
            segment = segments().get(0);
        }
        // A line whose middle never reached the disk reads as zeros; the line after it is whole but
        // was not acknowledged either (an fsync covers everything written before it).
        byte[] torn = SpoolLog.line(List.of(message("k", "x".repeat(100))), 1);
        java.util.Arrays.fill(torn, 20, 60, (byte) 0);
        Files.write(segment, torn, StandardOpenOption.APPEND);
        Files.write(segment, SpoolLog.line(List.of(message("k", 2)), 2), StandardOpenOption.APPEND);
        SpoolLog.Opened reopened = SpoolLog.open(dir, 1000);
        reopened.log().close();
        assertThat(reopened.entries()).extracting(SpoolLog.Entry::receivedAt).containsExactly(0L);
    }

    @Test
    void aSegmentHoldsAtMostItsMessagesAndIsDeletedOnceTheCursorHasPassedIt() throws Exception {
        try (SpoolLog log = SpoolLog.open(dir, 4).log()) {
            List<SpoolLog.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                SpoolLog.Entry entry = log.append(List.of(message("a", i), message("b", i)), i);
                log.awaitDurable(entry);
                entries.add(entry);
            }
            // 2 messages each, 4 per segment: three segments, the last one open.
            assertThat(entries).extracting(e -> e.segment().id).containsExactly(1L, 1L, 2L, 2L, 3L);
            assertThat(segments()).hasSize(3);

            log.deliveredUpTo(entries.get(3).position());
            assertThat(segments()).as("the first segment is passed, the second is not").hasSize(2);
            log.deliveredUpTo(log.end());
            // Everything delivered: the open segment goes too, the next line starts another.
            assertThat(segments()).isEmpty();
            log.awaitDurable(log.append(List.of(message("c", 1)), 9));
            assertThat(segments()).extracting(p -> p.getFileName().toString()).containsExactly("00000000000000000004.jsonl");
        }
        // Reopened, only what was appended after the cursor is left.
        SpoolLog.Opened reopened = SpoolLog.open(dir, 4);
        try (SpoolLog log = reopened.log()) {
            assertThat(reopened.entries()).extracting(SpoolLog.Entry::receivedAt).containsExactly(9L);
        }
    }

    @Test
    void aCrashRepeatsOnlyWhatFollowsTheCursor() throws Exception {
        List<SpoolLog.Entry> entries = new ArrayList<>();
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            for (int i = 0; i < 6; i++) {
                SpoolLog.Entry entry = log.append(List.of(message("k", i)), i);
                log.awaitDurable(entry);
                entries.add(entry);
            }
            // A batch of the first four delivered; the next batch (4, 5) under way when the process dies.
            log.deliveredUpTo(entries.get(4).position());
        }
        // What a crash between two writes of the cursor leaves: the temporary file of the next one.
        Files.writeString(dir.resolve(SpoolLog.CURSOR + ".next"), "1 9");
        SpoolLog.Opened reopened = SpoolLog.open(dir, 1000);
        reopened.log().close();
        assertThat(reopened.entries()).extracting(SpoolLog.Entry::receivedAt).containsExactly(4L, 5L);
        assertThat(dir.resolve(SpoolLog.CURSOR + ".next")).doesNotExist();
    }

    @Test
    void theOldLayoutOfAFilePerMessageIsTakenOverInNameOrder() throws Exception {
        Files.writeString(dir.resolve("20260101T000000002-B-0000000000000002-10000.json"), "{\"Key\":\"k\",\"Value\":\"2\"}");
        Files.writeString(dir.resolve("20260101T000000001-A-0000000000000001-10000.json"), "{\"Key\":\"k\",\"Value\":\"1\"}");
        Files.writeString(dir.resolve("20260101T000000001-A-0000000000000001-10001.json"), "{\"Key\":\"j\",\"Value\":\"1\"}");
        Files.writeString(dir.resolve(".20260101T000000003-C-0000000000000003-10000.json"), "{\"Key\":");
        Files.setLastModifiedTime(dir.resolve("20260101T000000001-A-0000000000000001-10000.json"), FileTime.fromMillis(5000));

        SpoolLog.Opened opened = SpoolLog.open(dir, 1000);
        try (SpoolLog log = opened.log()) {
            assertThat(opened.entries()).hasSize(3);
            assertThat(opened.entries().get(0).receivedAt()).isEqualTo(5000);
            assertThat(log.read(opened.entries()).stream().map(m -> (Object) ((Map<?, ?>) m.get(0)).get("Value")).toList())
                    .containsExactly("1", "1", "2");
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("00000000000000000001.jsonl", ".lock");
        }
        // Taken over once: the next open reads the segment, nothing else.
        SpoolLog.Opened again = SpoolLog.open(dir, 1000);
        again.log().close();
        assertThat(again.entries()).hasSize(3);
    }

    @Test
    void oneOpenerAtATime() throws Exception {
        try (SpoolLog log = SpoolLog.open(dir, 1000).log()) {
            assertThatThrownBy(() -> SpoolLog.open(dir, 1000)).isInstanceOf(IOException.class).hasMessageContaining("in use");
        }
        SpoolLog.open(dir, 1000).log().close();
    }

    List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
