package live.webhook;

import static live.webhook.support.WebhookService.SET;
import static live.webhook.support.WebhookService.query;
import static live.webhook.support.WebhookService.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import live.webhook.support.SpoolFiles;
import live.webhook.support.WebhookService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink that cannot write, on a real full filesystem (a 64 KiB tmpfs, mounted by the test; root
 * only, as in CI): the webhook gets 500 FAIL, readiness turns DOWN with the reason, no dot-file of
 * the failed write is left, and readiness is UP again, and webhooks are written, once space is back.
 */
class FullDiskTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FAIL_5000 = "{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"Webhook could not be processed\",\"ErrorCode\":5000}";

    @TempDir
    Path temp;
    Path disk;
    Path filler;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        disk = Files.createDirectory(temp.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, () -> "mounting a tmpfs needs root: " + output(mount));
        filler = disk.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fileSinkOnAFullDiskAnswersFailTurnsNotReadyLeavesNothingAndRecovers() throws Exception {
        Path out = disk.resolve("out");
        try (WebhookService service = WebhookService.start("sink", "file", "sink.file.dir", out.toString())) {
            List<Path> files = failThenRecover(service, "file-sink", "sink.file.dir", out);

            assertThat(files).hasSize(1);
            assertThat(files.get(0).getFileName().toString()).doesNotStartWith(".").endsWith(".jsonl");
            assertThat(Files.readAllLines(files.get(0))).hasSize(2);
        }
    }

    @Test
    void spoolOnAFullDiskAnswersFailTurnsNotReadyLeavesNothingAndRecovers() throws Exception {
        Path spool = disk.resolve("spool");
        // No broker listens there: every message goes to the spool.
        try (WebhookService service = WebhookService.start("sink", "kafka",
                "kafka.brokers", "127.0.0.1:" + WebhookService.freePort(), "spool.dir", spool.toString())) {
            List<Path> files = failThenRecover(service, "kafka-sink", "spool.dir", spool);

            // One segment, the webhook's two messages in it; nothing else but the spool's lock.
            assertThat(files).extracting(f -> f.getFileName().toString()).containsExactlyInAnyOrder(".lock", "00000000000000000002.jsonl");
            assertThat(SpoolFiles.messages(spool)).hasSize(2);
        }
    }

    /**
     * Ready, then the disk full: the webhook gets 500 FAIL, the check is DOWN with the reason and
     * nothing is left under the directory; then space back: UP again and the next webhook is 200.
     * Returns what that webhook wrote.
     */
    List<Path> failThenRecover(WebhookService service, String checkName, String setting, Path dir) throws Exception {
        assertReady(service, checkName);
        fillTheDisk();

        HttpResponse<String> refused = service.post(query(SET), sample("set-metadata.json"));

        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).isEqualTo(FAIL_5000);
        Map<String, Object> check = assertNotReady(service, checkName);
        assertThat(check).containsEntry("message", "the last write to " + setting + " failed, and a write there still fails");
        assertThat(data(check)).containsEntry(setting, dir.toString());
        assertThat((String) data(check).get("write.last.failure")).contains("No space left on device");
        assertThat(filesUnder(dir)).as("nothing half-written").allSatisfy(f -> assertThat(f.getFileName()).hasToString(".lock"));
        // The same readiness for Prometheus, read at the scrape (TencentWebhookNotReady alerts on it).
        assertThat(OperationsTest.metric(service.management("/observe/metrics").body(), "tencent_ready")).isZero();

        freeTheDisk();

        assertReadyWithin(service, checkName);
        assertThat(OperationsTest.metric(service.management("/observe/metrics").body(), "tencent_ready")).isEqualTo(1.0);
        assertThat(service.post(query(SET), sample("set-metadata.json")).statusCode()).isEqualTo(200);
        return filesUnder(dir);
    }

    /** Writes a filler file until the filesystem refuses, so the next write of the sink fails. */
    void fillTheDisk() throws IOException {
        byte[] block = new byte[1024];
        try (OutputStream o = Files.newOutputStream(filler)) {
            while (true) {
                o.write(block);
                o.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
    }

    void freeTheDisk() throws IOException {
        Files.delete(filler);
    }

    /** Every regular file under the directory, dot-files included; the filler is outside it. */
    static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    static void assertReady(WebhookService service, String name) throws Exception {
        HttpResponse<String> response = service.management("/observe/health/ready?data=true");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(check(response, name)).containsEntry("status", "UP");
    }

    static void assertReadyWithin(WebhookService service, String name) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertReady(service, name));
    }

    static Map<String, Object> assertNotReady(WebhookService service, String name) throws Exception {
        HttpResponse<String> response = service.management("/observe/health/ready?data=true");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        Map<String, Object> check = check(response, name);
        assertThat(check).containsEntry("status", "DOWN");
        return check;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> check(HttpResponse<String> response, String name) throws IOException {
        Map<String, Object> root = JSON.readValue(response.body(), Map.class);
        return ((List<Map<String, Object>>) root.get("checks")).stream()
                .filter(c -> name.equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " check in " + response.body()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> check) {
        return (Map<String, Object>) check.get("data");
    }

    static String output(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
