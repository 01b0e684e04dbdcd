package live.webhook.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What spool-drain has still to deliver: how many files, and how long the oldest has waited. The names
 * sort by arrival, so the smallest is the oldest (dot-names are files still being written).
 */
public final class SpoolState {

    /** Spool files ready for delivery: a dot-name is a file still being written. */
    static final String READY_FILES = "[!.]*.json";

    private final Path spool;

    public SpoolState(Path spool) {
        this.spool = spool;
    }

    public Path directory() {
        return spool;
    }

    /** The spool now: its depth, and the age of its oldest file in milliseconds (0 when empty). */
    public Snapshot read() {
        long depth = 0;
        String oldest = null;
        if (Files.isDirectory(spool)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(spool, READY_FILES)) {
                for (Path file : files) {
                    depth++;
                    String name = file.getFileName().toString();
                    if (oldest == null || name.compareTo(oldest) < 0) {
                        oldest = name;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the spool " + spool, e);
            }
        }
        long age = 0;
        if (oldest != null) {
            try {
                age = System.currentTimeMillis() - Files.getLastModifiedTime(spool.resolve(oldest)).toMillis();
            } catch (NoSuchFileException delivered) {
                // delivered since it was listed
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the spool file " + oldest, e);
            }
        }
        return new Snapshot(depth, age);
    }

    /** How many files wait in the spool, and how long the oldest has waited (ms). */
    public record Snapshot(long depth, long oldestAgeMillis) {
    }
}
