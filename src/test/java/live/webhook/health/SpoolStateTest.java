package live.webhook.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolStateTest {

    @Test
    void aSpoolThatDoesNotExistIsEmpty(@TempDir Path dir) {
        SpoolState.Snapshot state = new SpoolState(dir.resolve("missing")).read();

        assertThat(state.depth()).isZero();
        assertThat(state.oldestAgeMillis()).isZero();
    }

    @Test
    void countsTheJsonFilesAndAgesTheSmallestNameIgnoringDotFilesAndOthers(@TempDir Path spool) throws Exception {
        long now = System.currentTimeMillis();
        Path oldest = Files.writeString(spool.resolve("20260101T000000000-A-0000000000000001-10000.json"), "{}");
        Path newer = Files.writeString(spool.resolve("20260101T000000001-A-0000000000000001-10001.json"), "{}");
        // The smallest name is the oldest, whatever the times of the other files say.
        Files.setLastModifiedTime(oldest, FileTime.fromMillis(now - 60_000));
        Files.setLastModifiedTime(newer, FileTime.fromMillis(now - 600_000));
        // Being written, and not a spool file: neither counts.
        Path partial = Files.writeString(spool.resolve(".20260101T000000000-0.json"), "{");
        Files.setLastModifiedTime(partial, FileTime.fromMillis(now - 3_600_000));
        Files.writeString(spool.resolve("notes.txt"), "x");

        SpoolState.Snapshot state = new SpoolState(spool).read();

        assertThat(state.depth()).isEqualTo(2);
        assertThat(state.oldestAgeMillis()).isBetween(60_000L, 600_000L - 1);
    }

    @Test
    void onlyDotFilesIsAnEmptySpool(@TempDir Path spool) throws Exception {
        Files.writeString(spool.resolve(".20260101T000000000-0.json"), "{");

        SpoolState.Snapshot state = new SpoolState(spool).read();

        assertThat(state.depth()).isZero();
        assertThat(state.oldestAgeMillis()).isZero();
    }
}
