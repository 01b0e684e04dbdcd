package live.webhook.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** application.properties as blocks: the comment and blank lines above a key, then the key's line. */
final class Settings {

    record Entry(String key, String value, List<String> lead, String line) {
        /** The comment right above the key (section rulers and blank lines left out). */
        String comment() {
            List<String> text = new ArrayList<>();
            for (String l : lead) {
                String t = l.strip();
                if (t.isEmpty()) {
                    text.clear();
                } else if (t.startsWith("#") && !t.startsWith("# ---")) {
                    text.add(t.substring(1).strip());
                }
            }
            return String.join(" ", text);
        }
    }

    final Map<String, Entry> entries = new LinkedHashMap<>();
    final List<String> tail = new ArrayList<>();

    static Settings read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Settings parse(String text) {
        Settings settings = new Settings();
        List<String> lead = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("!")) {
                lead.add(line);
                continue;
            }
            if (t.endsWith("\\")) {
                throw new IllegalStateException("continued lines are not supported: " + line);
            }
            int sep = indexOfSeparator(t);
            String key = (sep < 0 ? t : t.substring(0, sep)).strip();
            String value = sep < 0 ? "" : t.substring(sep + 1).strip();
            settings.entries.put(key, new Entry(key, value, List.copyOf(lead), line));
            lead.clear();
        }
        settings.tail.addAll(lead);
        return settings;
    }

    private static int indexOfSeparator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }
}
