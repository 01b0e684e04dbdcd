package live.webhook.k8s;

import static live.webhook.k8s.Yaml.list;
import static live.webhook.k8s.Yaml.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whatever {@code routes/*.camel.yaml} holds right now, read generically: the files in name order,
 * each file's items in file order (routes, routeConfigurations, anything else the YAML DSL has).
 */
final class Routes {

    /** File name -> exact text, in name order. */
    final Map<String, String> files = new LinkedHashMap<>();
    /** Every top-level item of every file, in order: these are the Integration's flows. */
    final List<Object> items = new ArrayList<>();

    private Routes() {
    }

    static Routes read(Path root) {
        Routes routes = new Routes();
        try (Stream<Path> paths = Files.list(root.resolve("routes"))) {
            List<Path> sorted = paths
                    .filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
            for (Path file : sorted) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                routes.files.put(file.getFileName().toString(), text);
                Object document = Yaml.load(text);
                if (document == null) {
                    continue;
                }
                if (!(document instanceof List<?>)) {
                    throw new IllegalStateException(file + ": a routes file is a YAML list of route items");
                }
                routes.items.addAll(list(document));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (routes.files.isEmpty()) {
            throw new IllegalStateException("no routes/*.camel.yaml under " + root);
        }
        return routes;
    }

    /** The bodies of every item of the given kind ("route", "routeConfiguration", ...). */
    List<Map<String, Object>> itemsOf(String kind) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Object item : items) {
            Map<String, Object> entry = map(item);
            if (entry.containsKey(kind)) {
                found.add(map(entry.get(kind)));
            }
        }
        return found;
    }

    static Map<String, Object> from(Map<String, Object> route) {
        Object from = route.get("from");
        if (from == null) {
            throw new IllegalStateException("route " + route.get("id") + " has no from");
        }
        return map(from);
    }

    static String fromUri(Map<String, Object> route) {
        return String.valueOf(from(route).get("uri"));
    }
}
