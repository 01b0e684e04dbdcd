package live.webhook.kafka;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the spool keeps its messages on disk: segment files of JSON lines, one line per spooled
 * webhook, {@code {"receivedAt":<epoch ms>,"messages":[...]}}, appended in the order the spool gives
 * and read back in that order, and a {@code cursor} file saying where delivery has got to.
 *
 * <p>Why segments and not a file per message: a message may be answered OK only once it is on the
 * disk, and one fsync per file bounds the spool near the disk's fsync rate (about 700 to 2,000 a
 * second on this project's machines, fewer with more writers at once). Here every webhook's line is
 * appended to the open segment and its writer waits for an fsync that covers it; whoever finds no
 * fsync under way runs one for all the lines written so far (group commit), so one fsync answers as
 * many webhooks as arrived while the previous one ran.
 *
 * <p>Crash safety: a line is acknowledged only once fsynced, so after a crash everything up to the
 * last fsync is whole; what follows it was never acknowledged, and reading stops at the first line
 * that is not a whole JSON object ending in a newline, which {@link #open} cuts off. After each
 * delivered batch the cursor moves past it (written aside, fsynced, renamed into place), and a
 * segment the cursor has passed is deleted, so a crash repeats at most the batch under way. Old
 * spools of one file per message ({@code *.json}, the layout before segments) are taken over at
 * {@link #open} into a segment, then deleted.
 *
 * <p>One process per directory: {@code .lock} is held while the log is open, so a second process on
 * the same volume (a Deployment scaled by mistake) fails to open it instead of delivering its
 * messages twice.
 */
final class SpoolLog implements Closeable {

    static final Logger LOG = LoggerFactory.getLogger("tencent.live.kafka");
    static final String SUFFIX = ".jsonl";
    static final String CURSOR = "cursor";
    /** Decimals read back as written (1.50 stays 1.50), so a replayed record's value is the one sent at once. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final TypeReference<List<Object>> MESSAGES = new TypeReference<>() {
    };

    /** One spooled webhook: where its line is, how many messages it holds, when it arrived. */
    record Entry(Segment segment, long offset, int length, int messages, long receivedAt) {

        long end() {
            return offset + length;
        }

        Position position() {
            return new Position(segment.id, offset);
        }
    }

    /** A place in the log: a segment, an offset in it. */
    record Position(long segment, long offset) implements Comparable<Position> {

        @Override
        public int compareTo(Position other) {
            int bySegment = Long.compare(segment, other.segment);
            return bySegment != 0 ? bySegment : Long.compare(offset, other.offset);
        }
    }

    /** One segment file, the open one or a closed one. */
    static final class Segment {
        final long id;
        FileChannel channel;
        long size;
        int lines;
        int messages;
        long syncedSize;
        int syncedLines;
        /** Cut off at syncedSize after a failed write or fsync: nothing past it was acknowledged. */
        IOException cut;

        Segment(long id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return name(id);
        }
    }

    private final Path dir;
    private final int segmentMessages;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final ReentrantLock writing = new ReentrantLock();
    private final Condition synced = writing.newCondition();
    /** Segments not yet passed by the cursor, by id. */
    private final TreeMap<Long, Segment> segments = new TreeMap<>();

    private long nextSegment = 1;
    private Segment active;
    private boolean syncing;
    private Position cursor = new Position(0, 0);

    private SpoolLog(Path dir, int segmentMessages, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.segmentMessages = segmentMessages;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Opens the spool in {@code dir} (created if missing) and returns it with the entries it holds,
     * oldest first: those of earlier runs not yet delivered, and one per file of an old
     * one-file-per-message spool.
     */
    static Opened open(Path dir, int segmentMessages) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException inThisJvm) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("the spool " + dir + " is in use by another process (or another instance in this one)");
        }
        SpoolLog log = new SpoolLog(dir, segmentMessages, lockFile, lock);
        try {
            return new Opened(log, log.recover());
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** An opened log and what it held. */
    record Opened(SpoolLog log, List<Entry> entries) {
    }

    Path directory() {
        return dir;
    }

    /**
     * Appends one webhook's messages as a line of the open segment, not yet durable: hand the entry to
     * {@link #awaitDurable(Entry)}. Entries are read back in the order of these calls.
     */
    Entry append(List<?> messages, long receivedAt) throws IOException {
        byte[] line = line(messages, receivedAt);
        writing.lock();
        try {
            if (active != null && active.lines > 0 && active.messages + messages.size() > segmentMessages) {
                close(active);
            }
            if (active == null) {
                startSegment();
            }
            Segment segment = active;
            long offset = segment.size;
            try {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    segment.channel.write(buffer, offset + buffer.position());
                }
            } catch (IOException e) {
                // Part of the line may be on the disk: cut the segment back to its last fsync.
                cut(segment, e);
                throw e;
            }
            segment.size += line.length;
            segment.lines++;
            segment.messages += messages.size();
            return new Entry(segment, offset, line.length, messages.size(), receivedAt);
        } finally {
            writing.unlock();
        }
    }

    /**
     * Returns once the entry is on the disk: runs an fsync for every line written so far unless one
     * is under way, then waits for the one that covers it. Throws when the write or the fsync failed
     * (the entry is then cut off, never to be delivered).
     */
    void awaitDurable(Entry entry) throws IOException {
        Segment segment = entry.segment();
        writing.lock();
        try {
            while (segment.syncedSize < entry.end()) {
                if (segment.cut != null) {
                    throw segment.cut;
                }
                if (syncing) {
                    synced.awaitUninterruptibly();
                    continue;
                }
                // Only the open segment has lines not yet fsynced: a segment is fsynced when it closes.
                syncing = true;
                long size = segment.size;
                int lines = segment.lines;
                writing.unlock();
                IOException error = null;
                try {
                    segment.channel.force(false);
                } catch (IOException e) {
                    error = e;
                }
                writing.lock();
                syncing = false;
                if (error == null) {
                    segment.syncedSize = Math.max(segment.syncedSize, size);
                    segment.syncedLines = Math.max(segment.syncedLines, lines);
                } else {
                    cut(segment, error);
                }
                synced.signalAll();
            }
        } finally {
            writing.unlock();
        }
    }

    /** Whether the entry is on the disk. */
    boolean isDurable(Entry entry) {
        writing.lock();
        try {
            return entry.segment().syncedSize >= entry.end();
        } finally {
            writing.unlock();
        }
    }

    /** Where the next append goes: a cursor here says everything written so far was delivered. */
    Position end() {
        writing.lock();
        try {
            return active != null ? new Position(active.id, active.size) : new Position(nextSegment, 0);
        } finally {
            writing.unlock();
        }
    }

    /** The messages of consecutive entries, in order (each a List). */
    List<List<Object>> read(List<Entry> entries) throws IOException {
        List<List<Object>> messages = new ArrayList<>(entries.size());
        int from = 0;
        while (from < entries.size()) {
            Segment segment = entries.get(from).segment();
            int to = from;
            while (to < entries.size() && entries.get(to).segment() == segment) {
                to++;
            }
            readRange(entries.subList(from, to), messages);
            from = to;
        }
        return messages;
    }

    private void readRange(List<Entry> entries, List<List<Object>> into) throws IOException {
        Entry first = entries.get(0);
        Entry last = entries.get(entries.size() - 1);
        ByteBuffer bytes = ByteBuffer.allocate((int) (last.end() - first.offset()));
        Path file = segmentPath(first.segment().id);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, first.offset() + bytes.position()) < 0) {
                    throw new IOException("spool segment " + file + " is shorter than its entries");
                }
            }
        }
        byte[] array = bytes.array();
        for (Entry entry : entries) {
            try (JsonParser parser = JSON.createParser(array, (int) (entry.offset() - first.offset()), entry.length())) {
                into.add(messagesOf(parser));
            }
        }
    }

    /**
     * Everything before {@code oldestLeft} (the oldest entry not yet delivered, or {@link #end()})
     * was delivered: the cursor moves there, durably, and the segments wholly before it are deleted.
     */
    void deliveredUpTo(Position oldestLeft) throws IOException {
        List<Segment> passed = new ArrayList<>();
        writing.lock();
        try {
            if (active != null && oldestLeft.equals(new Position(active.id, active.size))) {
                // Everything written is delivered: the open segment goes too, so an empty spool is an empty directory.
                close(active);
                oldestLeft = new Position(nextSegment, 0);
            }
            if (oldestLeft.compareTo(cursor) <= 0) {
                return;
            }
            cursor = oldestLeft;
            for (Segment segment : segments.headMap(oldestLeft.segment(), false).values()) {
                if (segment != active) {
                    passed.add(segment);
                }
            }
            passed.forEach(s -> segments.remove(s.id));
        } finally {
            writing.unlock();
        }
        Path written = dir.resolve(CURSOR + ".next");
        try (FileChannel channel = FileChannel.open(written, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((oldestLeft.segment() + " " + oldestLeft.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
        }
        Files.move(written, dir.resolve(CURSOR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (Segment segment : passed) {
            Files.deleteIfExists(segmentPath(segment.id));
        }
        // The cursor's rename, and the deletions: a delivered segment that came back after a crash would
        // be delivered again.
        syncDirectory();
    }

    @Override
    public void close() throws IOException {
        writing.lock();
        try {
            if (active != null) {
                try {
                    close(active);
                } catch (IOException e) {
                    LOG.warn("Could not flush the spool segment {} on close: {}", segmentPath(active == null ? 0 : active.id), e.toString());
                }
            }
        } finally {
            writing.unlock();
            lockFile.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    static byte[] line(List<?> messages, long receivedAt) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>(4);
        line.put("receivedAt", receivedAt);
        line.put("messages", messages);
        byte[] json = JSON.writeValueAsBytes(line);
        byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
        withNewline[json.length] = '\n';
        return withNewline;
    }

    static String name(long segment) {
        return String.format("%020d", segment) + SUFFIX;
    }

    Path segmentPath(long segment) {
        return dir.resolve(name(segment));
    }

    /** Called with the lock held: the open segment fsynced and closed; the next append starts another. */
    private void close(Segment segment) throws IOException {
        while (syncing) {
            synced.awaitUninterruptibly();
        }
        try {
            if (segment.size > segment.syncedSize) {
                segment.channel.force(false);
                segment.syncedSize = segment.size;
                segment.syncedLines = segment.lines;
            }
        } catch (IOException e) {
            cut(segment, e);
            throw e;
        }
        active = null;
        segment.channel.close();
        segment.channel = null;
        synced.signalAll();
    }

    private void startSegment() throws IOException {
        Segment segment = new Segment(nextSegment++);
        segment.channel = FileChannel.open(segmentPath(segment.id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        active = segment;
        segments.put(segment.id, segment);
        // The new file's name must survive a crash as much as the lines it will hold.
        syncDirectory();
    }

    /**
     * Called with the lock held, after a write or an fsync failed (a full or broken disk): nothing
     * appended since the segment's last fsync was acknowledged, so it is cut off there and the segment
     * closed; the next append starts a new one. The lines fsynced before stay, to be delivered.
     */
    private void cut(Segment segment, IOException e) {
        segment.cut = e;
        segment.size = segment.syncedSize;
        segment.lines = segment.syncedLines;
        if (segment == active) {
            active = null;
        }
        if (segment.channel != null) {
            try {
                segment.channel.truncate(segment.syncedSize);
            } catch (IOException cannot) {
                // the next open stops reading at the torn line
            }
            try {
                segment.channel.close();
            } catch (IOException ignored) {
                // closed as far as it can be
            }
            segment.channel = null;
        }
        if (segment.size == 0) {
            segments.remove(segment.id);
            try {
                Files.deleteIfExists(segmentPath(segment.id));
            } catch (IOException ignored) {
                // an empty segment left is read as empty at the next open
            }
        }
        synced.signalAll();
    }

    /** A file created, renamed or deleted in the spool survives a crash only once its directory is fsynced. */
    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** At open: the entries not yet delivered, torn tails cut off, and an old per-message spool taken over. */
    private List<Entry> recover() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        List<Path> legacy = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path file : listing) {
                String name = file.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length() && name.substring(0, 20).chars().allMatch(Character::isDigit)) {
                    files.put(Long.parseLong(name.substring(0, 20)), file);
                } else if (name.startsWith(".") && (name.endsWith(".json") || name.endsWith(".check"))) {
                    // a half-written file of the old layout, or a readiness probe's: never acknowledged
                    Files.deleteIfExists(file);
                } else if (name.endsWith(".json")) {
                    legacy.add(file);
                }
            }
        }
        cursor = readCursor();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<Long, Path> file : files.entrySet()) {
            if (file.getKey() < cursor.segment()) {
                Files.deleteIfExists(file.getValue());
                continue;
            }
            Segment segment = new Segment(file.getKey());
            segments.put(segment.id, segment);
            for (Entry entry : readSegment(segment, file.getValue())) {
                if (entry.position().compareTo(cursor) >= 0) {
                    entries.add(entry);
                }
            }
        }
        if (!files.isEmpty()) {
            nextSegment = files.lastKey() + 1;
        }
        if (!legacy.isEmpty()) {
            entries.addAll(takeOver(legacy));
        }
        return entries;
    }

    private Position readCursor() throws IOException {
        Path file = dir.resolve(CURSOR);
        Files.deleteIfExists(dir.resolve(CURSOR + ".next"));
        if (!Files.exists(file)) {
            return new Position(0, 0);
        }
        String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException unreadable) {
            // Written aside and renamed, it is whole or absent; anything else is not ours: deliver it all.
            LOG.warn("Spool cursor {} is not readable ({}): delivering the whole spool again", file, String.join(" ", parts));
            return new Position(0, 0);
        }
    }

    private List<Entry> readSegment(Segment segment, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<Entry> entries = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int newline = indexOf(bytes, (byte) '\n', start);
            Entry entry = newline < 0 ? null : entryOf(segment, bytes, start, newline + 1 - start);
            if (entry == null) {
                LOG.warn("Spool segment {}: {} bytes after its last whole line, from a write that was never acknowledged "
                        + "(the process stopped during it): removed", file, bytes.length - start);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(start);
                    channel.force(false);
                }
                break;
            }
            entries.add(entry);
            segment.lines++;
            segment.messages += entry.messages();
            start = newline + 1;
        }
        segment.size = start;
        segment.syncedSize = start;
        segment.syncedLines = segment.lines;
        return entries;
    }

    /** The entry of a line, or null when it is not a whole one. */
    private static Entry entryOf(Segment segment, byte[] bytes, int offset, int length) {
        long receivedAt = -1;
        int count = -1;
        try (JsonParser parser = JSON.createParser(bytes, offset, length - 1)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("receivedAt".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    receivedAt = parser.getLongValue();
                } else if ("messages".equals(field) && value == JsonToken.START_ARRAY) {
                    count = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                        count++;
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null || receivedAt < 0 || count < 0) {
                return null;
            }
        } catch (IOException | RuntimeException torn) {
            return null;
        }
        return new Entry(segment, offset, length, count, receivedAt);
    }

    private static List<Object> messagesOf(JsonParser parser) throws IOException {
        List<Object> messages = null;
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("a spool line is not a JSON object");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if ("messages".equals(field)) {
                messages = parser.readValueAs(MESSAGES);
            } else {
                parser.skipChildren();
            }
        }
        if (messages == null) {
            throw new IOException("a spool line has no messages");
        }
        return messages;
    }

    /**
     * An old spool of one file per message, names sorting by arrival: its messages, one entry each,
     * fsynced before the files are deleted (a crash in between delivers them twice).
     */
    private List<Entry> takeOver(List<Path> files) throws IOException {
        files.sort(null);
        List<Entry> entries = new ArrayList<>(files.size());
        List<Path> taken = new ArrayList<>(files.size());
        for (Path file : files) {
            Object message;
            try {
                message = JSON.readValue(file.toFile(), Object.class);
            } catch (IOException unreadable) {
                LOG.warn("Spool file {} of the old layout is not JSON: left where it is", file);
                continue;
            }
            long receivedAt = Files.getLastModifiedTime(file).toMillis();
            entries.add(append(List.of(message), receivedAt));
            taken.add(file);
        }
        if (!entries.isEmpty()) {
            awaitDurable(entries.get(entries.size() - 1));
        }
        for (Path file : taken) {
            Files.deleteIfExists(file);
        }
        LOG.info("Took over {} messages of the spool's old layout (a file per message)", entries.size());
        return entries;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
