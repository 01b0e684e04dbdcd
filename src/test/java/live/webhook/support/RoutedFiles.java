package live.webhook.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the file sink ({@code sink=file}) wrote under its directory: proof on disk of what was routed. */
public final class RoutedFiles {

    private RoutedFiles() {
    }

    /** Every regular file, complete or not, in name order. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every message line of every file, in file order. */
    public static List<String> lines(Path dir) {
        List<String> lines = new ArrayList<>();
        for (Path file : files(dir)) {
            try {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }
}
